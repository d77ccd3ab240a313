import { describe, expect, it } from 'vitest';
import cases from './cases.json';
import { conditionSchema, type Condition } from './conditions';
import { describeCondition } from './describe';

/** Every leaf of a tree, to check the sentence names what each one looks at. */
function leaves(c: Condition): Condition[] {
  if ('all' in c) return c.all.flatMap(leaves);
  if ('any' in c) return c.any.flatMap(leaves);
  if ('not' in c) return leaves(c.not);
  return [c];
}

/** The word a leaf's sentence must contain: its event, key or dimension. */
function subject(leaf: Condition): string {
  for (const key of ['pref', 'trait', 'event', 'inactiveAfter', 'page', 'referrer', 'consent', 'device', 'geo', 'visitor']) {
    const value = (leaf as Record<string, unknown>)[key];
    if (value !== undefined) return String(value);
  }
  if ('everyone' in leaf) return 'everyone';
  if ('locale' in leaf) return `locale is${leaf.locale.in.length > 1 ? ' one of' : ''} “${leaf.locale.in[0]}”`;
  return 'identified' in leaf ? (leaf.identified ? 'identified' : 'anonymous') : '';
}

describe('describeCondition on every golden case', () => {
  for (const [name, raw] of cases.cases as [string, unknown][]) {
    it(name, () => {
      const condition = conditionSchema.parse(raw);
      const sentence = describeCondition(condition);
      // Every kind of valid condition has words: none falls back to JSON or to "?".
      expect(sentence).not.toMatch(/^\{|\?|undefined/);
      for (const leaf of leaves(condition)) expect(sentence).toContain(subject(leaf));
    });
  }
});

describe('describeCondition', () => {
  it('says "everyone" for the condition every visitor matches', () => {
    expect(describeCondition({ everyone: true })).toBe('everyone');
    expect(describeCondition({ all: [{ everyone: true }, { device: 'mobile' }] })).toBe('everyone and on mobile');
  });

  it('reads a tree as one sentence, with groups in parentheses', () => {
    expect(
      describeCondition({
        all: [
          { pref: 'sport', test: { op: 'in', value: ['trail', 'road'] } },
          { any: [{ event: 'add_to_cart', within: '30m' }, { device: 'mobile' }] },
          { not: { identified: true } },
        ],
      }),
    ).toBe('pref “sport” is one of “trail”, “road” and (did “add_to_cart” at least 1× in the last 30m or on mobile) and not identified');
  });
  it('says the counts, idle time and tests in words', () => {
    expect(describeCondition({ event: 'page', min: 2, max: 5 })).toBe('did “page” 2–5×');
    expect(describeCondition({ event: 'page', max: 0 })).toBe('did “page” at most 0×');
    expect(describeCondition({ inactiveAfter: 'add_to_cart', minutes: 30, unless: 'checkout' })).toBe('idle 30 min after “add_to_cart” without “checkout”');
    expect(describeCondition({ trait: 'ltv', test: { op: 'gte', value: 100 } })).toBe('trait “ltv” ≥ 100');
    expect(describeCondition({ utm: 'source', test: { op: 'missing' } })).toBe('utm_source is not set');
  });
  it('shows what it cannot read (a condition being edited) instead of hiding it', () => {
    expect(describeCondition(undefined)).toBe('—');
    expect(describeCondition({ pref: 'sport' })).toBe('pref “sport” ?');
    expect(describeCondition({ color: 'red' })).toBe('{"color":"red"}');
  });
});

describe('describeCondition: locale', () => {
  it('reads one tag, several tags, and a negation', () => {
    expect(describeCondition({ locale: { in: ['fr'] } })).toBe('locale is “fr”');
    expect(describeCondition({ locale: { in: ['fr', 'de-ch'] } })).toBe('locale is one of “fr”, “de-ch”');
    expect(describeCondition({ all: [{ not: { locale: { in: ['fr'] } } }, { device: 'mobile' }] })).toBe('not locale is “fr” and on mobile');
  });
});
