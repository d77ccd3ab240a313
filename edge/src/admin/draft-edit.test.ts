import { describe, expect, it } from 'vitest';
import { siteConfigSchema, type SiteConfig } from '../../../protocol/config/site';
import { conflicts, editDraft, effectiveDraft, publishEdit, revertEdit, type DraftChange } from './draft-edit';

const live: SiteConfig = siteConfigSchema.parse({
  id: 'shop',
  name: 'Shop',
  version: 5,
  origins: ['https://shop.example'],
  consentPolicy: 'opt-out',
  segments: [
    { id: 'vip', name: 'VIP', condition: { trait: 'plan', test: { op: 'eq', value: 'gold' } } },
    { id: 'new', name: 'New', condition: { visitor: 'new' } },
  ],
  slots: [{ id: 'hero', name: 'Hero', variants: [{ segment: 'vip', priority: 1, content: { type: 'text', text: 'Hi VIP' } }] }],
});

const heroWith = (text: string) => ({ name: 'Hero', variants: [{ segment: 'vip', priority: 1, content: { type: 'text', text } }] });

function edited(changes: DraftChange[], edit: Parameters<typeof editDraft>[3], who = 'user:ann'): DraftChange[] {
  const r = editDraft('shop', live, changes, edit, who, 1000 + changes.length);
  if (!r.ok) throw new Error(r.error);
  const rest = changes.filter((c) => !(c.collection === edit.collection && c.id === edit.id));
  return r.change ? [...rest, r.change] : rest;
}

describe('editDraft', () => {
  it('copies the live item as the base on first edit and keeps that base on later edits', () => {
    let changes = edited([], { collection: 'slots', id: 'hero', item: heroWith('One') });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.base).toEqual(live.slots[0]);
    changes = edited(changes, { collection: 'slots', id: 'hero', item: heroWith('Two') }, 'user:bob');
    expect(changes[0]).toMatchObject({ base: live.slots[0], by: 'user:bob' });
    expect((changes[0]!.item as { variants: { content: { text: string } }[] }).variants[0]!.content.text).toBe('Two');
  });

  it('drops the change when the item is put back as live has it', () => {
    const changes = edited(edited([], { collection: 'slots', id: 'hero', item: heroWith('One') }), {
      collection: 'slots',
      id: 'hero',
      item: heroWith('Hi VIP'),
    });
    expect(changes).toEqual([]);
  });

  it('validates on the effective draft: a variant may name a segment added in the draft, not one deleted in it', () => {
    let changes = edited([], { collection: 'segments', id: 'fans', item: { name: 'Fans', condition: { everyone: true } } });
    changes = edited(changes, {
      collection: 'slots',
      id: 'hero',
      item: { name: 'Hero', variants: [{ segment: 'fans', priority: 1, content: { type: 'text', text: 'x' } }] },
    });
    expect(changes.map((c) => c.base)).toEqual([null, live.slots[0]]);
    const refused = editDraft('shop', live, changes, { collection: 'segments', id: 'fans' }, 'user:ann', 9);
    expect(refused).toMatchObject({ ok: false, status: 409, usedBy: ['slots/hero'] });
    const bad = editDraft(
      'shop',
      live,
      [],
      { collection: 'slots', id: 'hero', item: { ...heroWith('x'), variants: [{ segment: 'nope', priority: 1, content: { type: 'text', text: 'x' } }] } },
      'a',
      1,
    );
    expect(bad).toMatchObject({ ok: false, status: 400 });
  });

  it('deletes in the draft only: live keeps the item until publish', () => {
    const changes = edited([], { collection: 'segments', id: 'new' });
    expect(changes[0]).toMatchObject({ item: null, base: live.segments[1] });
    const eff = effectiveDraft(live, changes);
    expect(eff.ok && eff.config.segments.map((s) => s.id)).toEqual(['vip']);
    expect(live.segments).toHaveLength(2);
    expect(editDraft('shop', live, [], { collection: 'segments', id: 'ghost' }, 'a', 1)).toMatchObject({ ok: false, status: 404 });
  });
});

describe('publishEdit', () => {
  it('makes the next version from live + changes, with a readable summary', () => {
    const changes = edited([], { collection: 'slots', id: 'hero', item: heroWith('Welcome') });
    const edit = publishEdit('shop', live, changes);
    expect(edit).toMatchObject({ ok: true, action: 'publish', beforeVersion: 5, changed: ['slots'], summary: 'published the draft: changed slot "hero"' });
    if (!edit.ok) return;
    expect(edit.next.version).toBe(6);
    expect(edit.next.slots[0]!.variants[0]!.content).toEqual({ type: 'text', text: 'Welcome' });
  });

  it('refuses with 409 naming the items live changed since the draft copied them, and merges the untouched ones', () => {
    const changes = edited([], { collection: 'slots', id: 'hero', item: heroWith('Draft') });
    // Live changed the hero (conflict) and the "new" segment (untouched by the draft: merged).
    const movedLive = siteConfigSchema.parse({
      ...live,
      version: 6,
      slots: [heroWith('Live edit')].map((s) => ({ ...s, id: 'hero' })),
      segments: [live.segments[0], { ...live.segments[1], name: 'Newcomers' }],
    });
    expect(conflicts(movedLive, changes)).toEqual(['slots/hero']);
    expect(publishEdit('shop', movedLive, changes)).toMatchObject({ ok: false, status: 409, conflicts: ['slots/hero'] });
    const onlySegment = siteConfigSchema.parse({ ...live, version: 6, segments: [live.segments[0], { ...live.segments[1], name: 'Newcomers' }] });
    const merged = publishEdit('shop', onlySegment, changes);
    expect(merged.ok && merged.next.segments[1]!.name).toBe('Newcomers');
    expect(merged.ok && merged.next.slots[0]!.variants[0]!.content).toEqual({ type: 'text', text: 'Draft' });
  });

  it('refuses a draft live made invalid (400), and an empty draft (404)', () => {
    const changes = edited([], {
      collection: 'slots',
      id: 'promo',
      item: { name: 'Promo', variants: [{ segment: 'new', priority: 1, content: { type: 'text', text: 'x' } }] },
    });
    const withoutNew = siteConfigSchema.parse({ ...live, version: 6, segments: [live.segments[0]] });
    expect(publishEdit('shop', withoutNew, changes)).toMatchObject({ ok: false, status: 400 });
    expect(publishEdit('shop', live, [])).toMatchObject({ ok: false, status: 404 });
  });
});

describe('revertEdit', () => {
  it('is the old config at the next version; webhooks keep their current secret', () => {
    const secretOf = (c: string) => 'whsec_' + Buffer.from(c.repeat(32)).toString('base64');
    const secretNow = secretOf('b');
    const withHook = (secret: string, version: number) =>
      siteConfigSchema.parse({ ...live, version, webhooks: [{ id: 'crm', name: 'CRM', url: 'https://hooks.example.com/x', format: 'json', secret }] });
    const old = { ...withHook(secretOf('a'), 2), name: 'Old shop' };
    const edit = revertEdit('shop', withHook(secretNow, 9), old);
    expect(edit).toMatchObject({ ok: true, action: 'revert', beforeVersion: 9 });
    if (!edit.ok) return;
    expect(edit.next).toEqual({ ...old, version: 10, webhooks: [{ ...old.webhooks[0], secret: secretNow }] });
    expect(edit.summary).toBe('reverted to version 2: changed settings (Name)');
  });
});
