import { describe, expect, it } from 'vitest';
import { DEMO_SITE } from '../../edge/src/demo/seed';
import { readStoredConfig } from './stored';

/** The demo site as a hand-written KV value: plain JSON, no defaults filled in. */
const stored = () => structuredClone(DEMO_SITE) as unknown as Record<string, any>; // any: a JSON value the tests edit freely, as a hand-written KV value would be

describe('reading a stored config written under older rules', () => {
  it('takes a valid config as it is, leaving nothing out', () => {
    const read = readStoredConfig(stored());
    expect(read).toMatchObject({ ok: true, leftOut: [] });
  });

  it('leaves out a slot whose selector targets <script>, and keeps the rest of the site', () => {
    const raw = stored();
    raw['slots'].push({ ...structuredClone(raw['slots'][0]), id: 'sneaky', selector: 'script#config' });
    const read = readStoredConfig(raw);
    if (!read.ok) throw new Error(read.issues.join('\n'));
    expect(read.config.slots.map((s) => s.id)).not.toContain('sneaky');
    expect(read.config.slots).toHaveLength(DEMO_SITE.slots!.length);
    expect(read.config.messages).toHaveLength(DEMO_SITE.messages!.length);
    expect(read.leftOut).toEqual([expect.stringMatching(/^slots\.\d+ \("sneaky"\): .*script/)]);
  });

  it('leaves out only the variant whose image comes from a host the site does not allow', () => {
    const raw = stored();
    const slot = raw['slots'][0];
    const before = slot.variants.length;
    slot.variants.push({ ...slot.variants[0], content: { type: 'html', html: '<img src="https://tracker.example/pixel.gif" alt="">' } });
    const read = readStoredConfig(raw);
    if (!read.ok) throw new Error(read.issues.join('\n'));
    expect(read.config.slots[0]!.variants).toHaveLength(before);
    expect(read.leftOut.join('\n')).toContain('tracker.example');
  });

  it('leaves out a webhook whose URL is not https to a public host', () => {
    const raw = stored();
    raw['webhooks'].push({ ...raw['webhooks'][0], id: 'internal', url: 'https://169.254.169.254/latest/meta-data' });
    const read = readStoredConfig(raw);
    if (!read.ok) throw new Error(read.issues.join('\n'));
    expect(read.config.webhooks.map((w) => w.id)).toEqual(DEMO_SITE.webhooks!.map((w) => w.id));
  });

  it('still refuses a config whose problem is not an item (an origin, the id)', () => {
    const raw = stored();
    raw['origins'] = ['ftp://shop.example'];
    const read = readStoredConfig(raw);
    expect(read.ok).toBe(false);
    expect(readStoredConfig('not a config').ok).toBe(false);
    expect(readStoredConfig(null).ok).toBe(false);
  });
});
