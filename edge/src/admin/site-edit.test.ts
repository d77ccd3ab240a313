import { describe, expect, it } from 'vitest';
import { siteConfigSchema, type SiteConfig } from '../../../protocol/config/site';
import { DEMO_SITE } from '../demo/seed';
import { applyChange, changedFields, nextVersion, seedEdit } from './site-edit';

const base = (): SiteConfig =>
  siteConfigSchema.parse({
    id: 'shop',
    name: 'Shop',
    version: 3,
    origins: ['https://shop.example'],
    consentPolicy: 'opt-out',
    segments: [{ id: 'vip', name: 'VIP', condition: { trait: 'plan', test: { op: 'eq', value: 'vip' } } }],
    slots: [{ id: 'hero', name: 'Hero', variants: [{ segment: 'vip', priority: 1, content: { type: 'text', text: 'Hi VIP' } }] }],
  });

describe('applyChange', () => {
  it('refuses a stale version with the current one', () => {
    const r = applyChange('shop', base(), { kind: 'delete-item', collection: 'slots', id: 'hero' }, 2);
    expect(r).toMatchObject({ ok: false, status: 409, currentVersion: 3 });
  });

  it('creates with version 0 only, and 404s items of unknown sites', () => {
    const cfg = { name: 'New', version: 0, origins: [], consentPolicy: 'opt-in' };
    expect(applyChange('new', null, { kind: 'put-site', config: cfg }, 0)).toMatchObject({ ok: true, action: 'create', next: { id: 'new', version: 1 } });
    expect(applyChange('new', null, { kind: 'put-site', config: cfg }, 4)).toMatchObject({ ok: false, status: 404 });
    expect(applyChange('new', null, { kind: 'delete-item', collection: 'slots', id: 'x' }, 0)).toMatchObject({ ok: false, status: 404 });
  });

  it('reports item issues relative to the item, cross-references too', () => {
    const bad = applyChange('shop', base(), { kind: 'put-item', collection: 'slots', id: 'promo', item: { name: '', variants: [] } }, 3);
    expect(bad).toMatchObject({ ok: false, status: 400, issues: [{ path: 'name' }] });
    const ref = applyChange(
      'shop',
      base(),
      {
        kind: 'put-item',
        collection: 'slots',
        id: 'promo',
        item: { name: 'Promo', variants: [{ segment: 'nobody', priority: 1, content: { type: 'text', text: 'x' } }] },
      },
      3,
    );
    expect(ref).toMatchObject({ ok: false, status: 400, issues: [{ path: 'variants.0.segment', message: 'no segment "nobody"' }] });
  });

  it('refuses deleting a segment in use, naming where', () => {
    expect(applyChange('shop', base(), { kind: 'delete-item', collection: 'segments', id: 'vip' }, 3)).toMatchObject({
      ok: false,
      status: 409,
      usedBy: ['slots/hero'],
    });
  });

  it('updates an item, bumps the version and says what changed', () => {
    const r = applyChange(
      'shop',
      base(),
      { kind: 'put-item', collection: 'segments', id: 'vip', item: { name: 'Very important', condition: { trait: 'plan', test: { op: 'eq', value: 'vip' } } } },
      3,
    );
    expect(r).toMatchObject({ ok: true, action: 'update', path: 'sites/shop/segments/vip', beforeVersion: 3, changed: ['segments'], next: { version: 4 } });
  });

  it('puts admin writes to the demo above the seed version, so the seed step never replaces them', () => {
    const demoVersion = DEMO_SITE.version;
    expect(nextVersion(1, demoVersion)).toBe(demoVersion + 1);
    expect(nextVersion(demoVersion + 3, demoVersion)).toBe(demoVersion + 4);
    const seeded = siteConfigSchema.parse({ ...DEMO_SITE, version: 1 });
    const r = applyChange('demo', seeded, { kind: 'put-site', config: { ...DEMO_SITE, name: 'Edited' } }, 1, demoVersion);
    expect(r).toMatchObject({ ok: true, next: { version: demoVersion + 1 }, changed: ['name'] });
  });

  it('changedFields ignores the version', () => {
    const a = base();
    expect(changedFields(a, { ...a, version: 9 })).toEqual([]);
  });
});

describe('seedEdit', () => {
  it('writes the seed at its own version when the site is missing or older', () => {
    expect(seedEdit(null, DEMO_SITE)).toMatchObject({
      ok: true,
      action: 'create',
      path: 'sites/demo',
      beforeVersion: 0,
      next: { id: 'demo', version: DEMO_SITE.version },
    });
    const older = siteConfigSchema.parse({ ...DEMO_SITE, name: 'Old demo', version: DEMO_SITE.version - 1 });
    const edit = seedEdit(older, DEMO_SITE);
    expect(edit).toMatchObject({ action: 'update', beforeVersion: DEMO_SITE.version - 1, changed: ['name'], next: { version: DEMO_SITE.version } });
    expect(edit?.summary).toContain(`version ${DEMO_SITE.version}`);
  });

  it('leaves a site at the seed version or above alone (an admin edit of the demo included)', () => {
    expect(seedEdit(siteConfigSchema.parse(DEMO_SITE), DEMO_SITE)).toBeNull();
    expect(seedEdit(siteConfigSchema.parse({ ...DEMO_SITE, name: 'Edited', version: DEMO_SITE.version + 1 }), DEMO_SITE)).toBeNull();
  });
});
