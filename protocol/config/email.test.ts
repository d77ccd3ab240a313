import { describe, expect, it } from 'vitest';
import { siteConfigSchema } from './site';
import { emailSettingsSchema } from './email';

const site = {
  id: 'shop',
  name: 'Shop',
  version: 1,
  origins: ['https://shop.example.com'],
  consentPolicy: 'opt-out',
  journeys: [{ id: 'cart', name: 'Cart', entry: { event: 'add_to_cart' }, steps: [{ id: 'mail', kind: 'email', template: 'cart' }] }],
};

describe('e-mail settings in the site config', () => {
  it('existing configs stay valid without it; defaults fill in', () => {
    expect(siteConfigSchema.parse({ ...site, journeys: [] }).email).toBeUndefined();
    expect(emailSettingsSchema.parse({})).toEqual({
      templates: [],
      provider: 'cloudflare',
      frequencyCap: { max: 3, days: 7 },
      addressField: { source: 'trait', key: 'email' },
      consentField: { source: 'pref', key: 'email_consent' },
    });
  });

  it('an email step needs a template that exists', () => {
    const r = siteConfigSchema.safeParse(site);
    expect(r.success).toBe(false);
    expect(r.error?.issues).toEqual([expect.objectContaining({ path: ['journeys', 0, 'steps', 0, 'template'], message: 'no e-mail template "cart"' })]);
    const withTemplate = { ...site, email: { templates: [{ id: 'cart', name: 'Cart', subject: 'Your cart', html: '<p>Hi</p>', text: 'Hi' }] } };
    expect(siteConfigSchema.safeParse(withTemplate).success).toBe(true);
  });

  it('refuses a sender that could inject a header, and duplicate template ids', () => {
    expect(emailSettingsSchema.safeParse({ sender: { name: 'Shop\r\nBcc: x@y.z', address: 'news@shop.example.com' } }).success).toBe(false);
    expect(emailSettingsSchema.safeParse({ sender: { name: 'Shop', address: 'news@shop.example.com\r\nBcc: x@y.z' } }).success).toBe(false);
    const t = { id: 'a', name: 'A', subject: 's', html: '', text: 't' };
    expect(emailSettingsSchema.safeParse({ templates: [t, t] }).error?.issues[0]?.message).toBe('duplicate template id "a"');
  });
});
