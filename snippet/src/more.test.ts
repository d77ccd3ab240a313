// wm-more.js (more.ts): takes over the change and submit events wm.js held for it, in order, and
// handles later ones as wm.js pushes them. Plain Node: the DOM is a few plain objects.
import { afterEach, describe, expect, it, vi } from 'vitest';

type Fake = { type: string; name: string; id: string; value: string; checked?: boolean; dataset: Record<string, string> };
const field = (name: string, value: string, type = 'text'): Fake => ({ type, name, id: '', value, dataset: {} });

const select = { ...field('sport', 'trail', 'select-one'), dataset: { wmPref: 'sport' } };
const form = {
  ...field('', ''),
  dataset: { wmForm: 'newsletter' },
  elements: [field('email', 'a@example.com', 'email'), field('account_password', 'secret', 'password'), field('csrf', 'x', 'hidden')],
};
const ev = (type: string, target: object) => ({ type, target }) as unknown as Event;

/** Installs window.wm (a recorder with the held events) and runs more.ts as the chunk would. */
async function load(held: Event[]) {
  const calls: unknown[][] = [];
  const wm = Object.assign((...a: unknown[]) => void calls.push(a), { m: held });
  vi.stubGlobal('window', { wm });
  vi.stubGlobal('CSS', { escape: (s: string) => s });
  vi.stubGlobal('document', { querySelectorAll: (q: string) => (q == '[data-wm-pref="sport"]' ? [select] : []) });
  vi.resetModules();
  await import('./more');
  return { calls, wm };
}

afterEach(() => vi.unstubAllGlobals());

describe('wm-more.js', () => {
  it('handles what wm.js held, in order, without secret fields', async () => {
    const { calls } = await load([ev('change', select), ev('submit', form)]);
    expect(calls).toEqual([
      ['prefs', { sport: 'trail' }],
      ['track', 'form_submit', { form: 'newsletter', fields: { email: 'a@example.com' } }],
    ]);
  });

  it('then handles each event wm.js pushes, through the same array (wm-ui.js may have copied it)', async () => {
    const held: Event[] = [];
    const { calls, wm } = await load(held);
    expect(wm.m).toBe(held);
    held.push(ev('change', { ...select, value: 'road' }));
    expect(calls).toEqual([['prefs', { sport: 'road' }]]);
    held.push(ev('change', { ...field('q', 'x'), dataset: {} }));
    expect(calls).toHaveLength(1);
    expect(held).toHaveLength(0);
  });

  it('a surprising DOM never throws out of a handler', async () => {
    const { calls, wm } = await load([]);
    expect(() => wm.m.push(ev('submit', { dataset: { wmForm: 'x' } }))).not.toThrow();
    expect(calls).toHaveLength(0);
  });
});
