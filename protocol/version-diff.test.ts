import { describe, expect, it } from 'vitest';
import { diffConfigs, fieldChanges, labelOf, MAX_VALUE_CHARS } from './version-diff';

const base = {
  id: 'shop',
  name: 'Shop',
  version: 3,
  origins: ['https://shop.example'],
  consentPolicy: 'opt-out',
  segments: [{ id: 'vip', name: 'VIP', condition: { trait: 'plan' } }],
  slots: [{ id: 'hero', name: 'Hero', variants: [{ segment: 'vip', priority: 1, content: { type: 'text', text: 'Hi' } }] }],
  messages: [],
  journeys: [],
  webhooks: [],
};

describe('diffConfigs', () => {
  it('says nothing changed for the same config at another version', () => {
    const d = diffConfigs(base, { ...base, version: 4 });
    expect(d).toEqual({ settings: [], items: [], summary: 'no change' });
  });

  it('names each changed field of an item with a human label, before and after', () => {
    const after = structuredClone(base);
    after.slots[0]!.variants[0]!.content.text = 'Welcome back';
    const d = diffConfigs(base, after);
    expect(d.items).toEqual([
      {
        collection: 'slots',
        id: 'hero',
        name: 'Hero',
        change: 'changed',
        fields: [{ path: 'variants.0.content.text', label: 'Variants › 1 › Content › Text', before: '"Hi"', after: '"Welcome back"' }],
      },
    ]);
    expect(d.summary).toBe('changed slot "hero"');
  });

  it('lists added and removed items with all their fields, and changed settings', () => {
    const after = {
      ...structuredClone(base),
      name: 'Shop 2',
      slots: [],
      segments: [...base.segments, { id: 'new', name: 'New', condition: { everyone: true } }],
    };
    const d = diffConfigs(base, after);
    expect(d.items.map((i) => [i.collection, i.id, i.change])).toEqual([
      ['segments', 'new', 'added'],
      ['slots', 'hero', 'removed'],
    ]);
    const added = d.items[0]!;
    expect(added.fields).toContainEqual({ path: 'condition.everyone', label: 'Condition › Everyone', before: null, after: 'true' });
    expect(d.items[1]!.fields.every((f) => f.after === null && f.before !== null)).toBe(true);
    expect(d.settings).toEqual([{ path: 'name', label: 'Name', before: '"Shop"', after: '"Shop 2"' }]);
    expect(d.summary).toBe('added segment "new"; removed slot "hero"; changed settings (Name)');
  });

  it('treats the first version as all added', () => {
    const d = diffConfigs(null, base);
    expect(d.items.map((i) => i.change)).toEqual(['added', 'added']);
    expect(d.settings.map((s) => s.path)).toContain('origins.0');
  });

  it('shows an emptied list and cuts long values', () => {
    const long = 'x'.repeat(500);
    const changes = fieldChanges({ tags: ['a'], body: 'short' }, { tags: [], body: long });
    expect(changes).toContainEqual({ path: 'tags', label: 'Tags', before: null, after: '[]' });
    expect(changes).toContainEqual({ path: 'tags.0', label: 'Tags › 1', before: '"a"', after: null });
    const body = changes.find((c) => c.path === 'body')!;
    expect(body.after!.length).toBe(MAX_VALUE_CHARS);
    expect(body.after!.endsWith('…')).toBe(true);
  });

  it('labels camelCase, dashes and known abbreviations', () => {
    expect(labelOf('messageFatigue')).toBe('Message fatigue');
    expect(labelOf('url')).toBe('URL');
    expect(labelOf('requireApproval')).toBe('Require approval');
    expect(labelOf('2')).toBe('3');
  });
});
