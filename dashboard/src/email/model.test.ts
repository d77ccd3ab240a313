import { describe, expect, it } from 'vitest';
import { profileQuery, settingsOf, withoutTemplate, withTemplate } from './model';

const t = (id: string, name = id) => ({ id, name, subject: 's', html: '', text: 't' });

describe('e-mail screen model', () => {
  it('fills defaults for a site without e-mail settings', () => {
    expect(settingsOf({})).toMatchObject({ templates: [], provider: 'cloudflare', frequencyCap: { max: 3, days: 7 } });
  });

  it('puts a template in place, renames by id, removes', () => {
    const s = settingsOf({ email: { templates: [t('a'), t('b')] } });
    expect(withTemplate(s, t('b', 'B2')).templates?.map((x) => x.name)).toEqual(['a', 'B2']);
    expect(withTemplate(s, t('c')).templates?.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(withTemplate(s, t('z'), 'a').templates?.map((x) => x.id)).toEqual(['z', 'b']);
    expect(withoutTemplate(s, 'a').templates?.map((x) => x.id)).toEqual(['b']);
  });

  it('tells a visitor id from a user id', () => {
    expect(profileQuery(' AbCdEfGhIjKlMnOpQrStUv ')).toEqual({ visitorId: 'AbCdEfGhIjKlMnOpQrStUv' });
    expect(profileQuery('user-42')).toEqual({ userId: 'user-42' });
    expect(profileQuery('')).toEqual({});
  });
});
