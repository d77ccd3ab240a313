import { describe, expect, it } from 'vitest';
import type { SlotDecision } from '../../../protocol/wire';
import { insertable, plan, slotSelector, valid } from './slots';

const dec = (id: string, extra: Partial<SlotDecision> = {}): SlotDecision => ({
  kind: 'slot',
  id,
  html: `<b>${id}</b>`,
  segment: `seg-${id}`,
  why: 'test',
  ...extra,
});

/** A page as a table: element name -> the selectors it matches. */
function page(table: Record<string, string[]>) {
  const els = Object.keys(table);
  const find = (selector: string) => {
    if (selector.includes('!')) throw new SyntaxError('not a selector');
    return els.filter((e) => table[e]!.includes(selector));
  };
  return (decisions: SlotDecision[], ok: (el: string) => boolean = () => true) =>
    Object.fromEntries([...plan(decisions, find, ok)].map(([el, d]) => [el, d.id]));
}

describe('plan: which element gets which decision', () => {
  const hero = slotSelector('hero');
  const promo = slotSelector('promo');

  it('fills [data-wm-slot="id"] elements; elements without a decision are left out (keep default)', () => {
    const p = page({ heroA: [hero], heroB: [hero], promo: [promo], other: ['.x'] });
    expect(p([dec('hero')])).toEqual({ heroA: 'hero', heroB: 'hero' });
    expect(p([])).toEqual({});
  });

  it('also fills the elements matching `selector`', () => {
    const p = page({ hero: [hero], banner: ['.banner'], other: ['.x'] });
    expect(p([dec('hero', { selector: '.banner' })])).toEqual({ hero: 'hero', banner: 'hero' });
  });

  it("an element's own data-wm-slot wins over another decision's selector", () => {
    const p = page({ promo: [promo, '.box'], box: ['.box'] });
    expect(p([dec('hero', { selector: '.box' }), dec('promo')])).toEqual({ promo: 'promo', box: 'hero' });
    // Same the other way round in the list.
    expect(p([dec('promo'), dec('hero', { selector: '.box' })])).toEqual({ promo: 'promo', box: 'hero' });
  });

  it('among selectors the first decision wins', () => {
    const p = page({ box: ['.box', '.b2'] });
    expect(p([dec('a', { selector: '.box' }), dec('b', { selector: '.b2' })])).toEqual({ box: 'a' });
  });

  it('a selector the browser cannot parse is skipped, the slot itself still filled', () => {
    const p = page({ hero: [hero], box: ['.box'] });
    expect(p([dec('hero', { selector: 'div!!' }), dec('x', { selector: '.box' })])).toEqual({ hero: 'hero', box: 'x' });
  });

  it('never fills what `ok` refuses (body, head, script, content we filled)', () => {
    const p = page({ body: ['body'], hero: [hero] });
    expect(p([dec('hero', { selector: 'body' })], (el) => el != 'body')).toEqual({ hero: 'hero' });
  });
});

describe('insertable', () => {
  // As Element.closest: the element itself or an ancestor (type selectors match HTML names in any case).
  const el = (localName: string, closest: string | null = null) => ({
    localName,
    closest: (s: string) => (s.split(',').some((x) => x === localName.toLowerCase() || x === closest) ? {} : null),
  });
  it('accepts ordinary elements', () => {
    for (const n of ['div', 'section', 'aside', 'span', 'p', 'a', 'li']) expect(insertable(el(n))).toBe(true);
  });
  it('refuses the document frame, raw-text and embedding elements', () => {
    const names = 'html head body script style template iframe object embed noscript textarea title xmp plaintext noembed noframes svg math SCRIPT';
    for (const n of names.split(' ')) expect(insertable(el(n)), n).toBe(false);
  });
  it('refuses anything inside svg or math (their script, style and foreignObject too)', () => {
    for (const n of ['script', 'style', 'foreignObject', 'div', 'text']) {
      expect(insertable(el(n, 'svg')), n).toBe(false);
      expect(insertable(el(n, 'math')), n).toBe(false);
    }
  });
  it('refuses anything in <head> or inside content already filled', () => {
    expect(insertable(el('meta', 'head'))).toBe(false);
    expect(insertable(el('div', '[data-wm-filled] *'))).toBe(false);
  });
});

describe('valid: only well-formed slot decisions are applied', () => {
  it('keeps good ones, with and without selector', () => {
    const good = [dec('hero'), dec('category-promo', { selector: '.promo' })];
    expect(valid(good)).toEqual(good);
  });
  it('drops anything else', () => {
    expect(valid(undefined)).toEqual([]);
    expect(valid({ 0: dec('hero') })).toEqual([]);
    expect(
      valid([
        null,
        'hero',
        { ...dec('hero'), kind: 'message' },
        { ...dec('hero'), html: 5 },
        { ...dec('hero'), segment: undefined },
        { ...dec('hero'), selector: 7 },
        dec('Hero'), // not a slug: ids go into a selector unescaped
        dec('a"]'),
        dec(''),
      ]),
    ).toEqual([]);
  });
});
