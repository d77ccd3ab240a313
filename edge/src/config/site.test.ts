import { describe, expect, it } from 'vitest';
import { DEMO_SITE } from '../demo/seed';
import { originAllowed, siteConfigSchema } from './site';

describe('site config', () => {
  it('accepts the demo site', () => {
    expect(siteConfigSchema.parse(DEMO_SITE)).toEqual(DEMO_SITE);
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
});
