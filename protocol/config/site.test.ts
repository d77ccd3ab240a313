import { describe, expect, it } from 'vitest';
import { DEMO_SITE } from '../../edge/src/demo/seed';
import { originAllowed, siteConfigSchema } from './site';

describe('site config', () => {
  it('accepts the demo site, and a stored config reads back exactly as written', () => {
    const stored = siteConfigSchema.parse(DEMO_SITE);
    expect(stored).toMatchObject({ id: 'demo', messageFatigue: { perDay: 3, minMinutesBetween: 0 } });
    // Defaults are filled in once; re-reading (every KV read validates) changes nothing.
    expect(siteConfigSchema.parse(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    expect(stored.messages.map((m) => m.id)).toEqual(['cart-reminder', 'training-survey']);
  });

  it('fills empty segments and slots, and refuses slots naming missing segments or duplicate ids', () => {
    const minimal = { id: 'shop', name: 'Shop', version: 1, origins: [], consentPolicy: 'opt-out' };
    expect(siteConfigSchema.parse(minimal)).toMatchObject({ segments: [], slots: [] });
    const bad = siteConfigSchema.safeParse({
      ...DEMO_SITE,
      segments: [...(DEMO_SITE.segments ?? []), { id: 'hikers', name: 'Again', condition: { identified: true } }],
      slots: [{ id: 'hero', name: 'Hero', variants: [{ segment: 'nobody', priority: 1, content: { type: 'text', text: 'x' } }] }],
    });
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      `segments.${DEMO_SITE.segments?.length}.id: duplicate segment id "hikers"`,
      'slots.0.variants.0.segment: no segment "nobody"',
    ]);
  });

  it('refuses unsafe URLs and selectors in slot content', () => {
    const slot = (content: unknown, selector?: string) => ({
      ...DEMO_SITE,
      slots: [{ id: 'x', name: 'X', selector, variants: [{ segment: 'hikers', priority: 1, content }] }],
    });
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example/x', 'vbscript:x']) {
      expect(siteConfigSchema.safeParse(slot({ type: 'link', text: 'x', href })).success, href).toBe(false);
    }
    expect(siteConfigSchema.safeParse(slot({ type: 'link', text: 'x', href: '/cart' })).success).toBe(true);
    expect(siteConfigSchema.safeParse(slot({ type: 'text', text: 'x' }, '.hero h1')).success).toBe(true);
    expect(siteConfigSchema.safeParse(slot({ type: 'text', text: 'x' }, 'a{}</style><script>')).success).toBe(false);
  });

  it('takes an analytics shard count from 1 to 64 (absent: 1), naming the field otherwise', () => {
    const base = siteConfigSchema.parse(DEMO_SITE);
    expect(base.analyticsShards).toBeUndefined();
    expect(siteConfigSchema.parse({ ...base, analyticsShards: 16 }).analyticsShards).toBe(16);
    for (const bad of [0, 65, 2.5, '8']) {
      const r = siteConfigSchema.safeParse({ ...base, analyticsShards: bad });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['analyticsShards']);
    }
  });

  it('rejects origins with paths, wrong schemes and unknown fields, naming the field', () => {
    const bad = siteConfigSchema.safeParse({ ...DEMO_SITE, origins: ['https://a.example/path', 'ftp://a.example'], extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['origins.0', 'origins.1', '']));
  });

  it('lower-cases origins and compares case-insensitively; no Origin header means non-browser', () => {
    const site = siteConfigSchema.parse({ ...DEMO_SITE, origins: ['https://Shop.Example'] });
    expect(originAllowed(site, 'https://shop.example')).toBe(true);
    expect(originAllowed(site, 'HTTPS://SHOP.EXAMPLE')).toBe(true);
    expect(originAllowed(site, 'https://evil.example')).toBe(false);
    expect(originAllowed(site, 'null')).toBe(false);
    expect(originAllowed(site, undefined)).toBe(true);
  });

  it('counts a proxied hostname as an allowed origin: https, or the request’s own origin on that host', () => {
    const site = siteConfigSchema.parse({ ...DEMO_SITE, origins: [], proxy: { upstream: 'https://origin.shop.example', hostnames: ['shop.example.com'] } });
    expect(originAllowed(site, 'https://shop.example.com')).toBe(true);
    expect(originAllowed(site, 'https://SHOP.example.com')).toBe(true);
    // http or another port only when it is the origin the request itself reached (local dev, an http site).
    expect(originAllowed(site, 'http://shop.example.com')).toBe(false);
    expect(originAllowed(site, 'http://shop.example.com', 'http://shop.example.com/_wm/e')).toBe(true);
    expect(originAllowed(site, 'http://shop.example.com:8787', 'http://shop.example.com:8787/_wm/e')).toBe(true);
    expect(originAllowed(site, 'http://shop.example.com:8787', 'http://127.0.0.1:8787/_wm/e')).toBe(false);
    // Neither a look-alike nor the upstream, nor another host's own origin.
    expect(originAllowed(site, 'https://shop.example.com.evil.example')).toBe(false);
    expect(originAllowed(site, 'https://origin.shop.example')).toBe(false);
    expect(originAllowed(site, 'https://evil.example', 'https://evil.example/_wm/e')).toBe(false);
  });
});
