import { describe, expect, it } from 'vitest';
import { isSafeTarget, NEVER_INSIDE, selectorProblem, TargetTracker, unsafeElement } from './targets';

/** Every element the issue names (SVG/MathML ones by their own names too). */
const UNSAFE_NAMES = [
  'script',
  'style',
  'textarea',
  'title',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'xmp',
  'plaintext',
  'noembed',
  'noframes',
  'foreignObject',
  'html',
  'head',
  'body',
];

describe('isSafeTarget', () => {
  it('refuses every listed element, in any case', () => {
    for (const name of UNSAFE_NAMES) {
      expect(unsafeElement(name), name).toBe(true);
      expect(unsafeElement(name.toUpperCase()), name).toBe(true);
      expect(isSafeTarget(name, ['html', 'body']), name).toBe(false);
    }
  });

  it('refuses anything inside head, raw text, inert or foreign content', () => {
    for (const outer of ['head', 'template', 'object', 'svg', 'math', 'noscript', 'iframe']) {
      expect(isSafeTarget('div', ['html', outer]), outer).toBe(false);
    }
    expect(isSafeTarget('script', ['html', 'body', 'svg'])).toBe(false);
    expect(isSafeTarget('p', ['html', 'body', 'svg', 'foreignObject'])).toBe(false);
  });

  it('allows ordinary elements in body', () => {
    for (const name of ['div', 'section', 'h1', 'p', 'span', 'aside', 'li']) expect(isSafeTarget(name, ['html', 'body', 'main'])).toBe(true);
  });

  it('is one comma list Element.closest accepts', () => {
    expect(NEVER_INSIDE).toMatch(/^[a-z]+(,[a-z]+)+$/);
  });
});

describe('TargetTracker (a stream of tags, as HTMLRewriter reports them)', () => {
  /** Feeds `tags` ("div", "/div", "svg/" self-closing) and returns the elements it would fill. */
  function fillable(tags: string[]): string[] {
    const tracker = new TargetTracker();
    const tracked: boolean[] = [];
    const out: string[] = [];
    tags.forEach((tag, i) => {
      if (tag.startsWith('/')) return tracker.end(tag.slice(1));
      const self = tag.endsWith('/');
      const name = tag.replace(/[/#].*$/, '');
      const { safe, track } = tracker.start(name, self);
      tracked[i] = track;
      if (safe) out.push(tag);
    });
    return out;
  }

  it('fills body content, not head, the frame or raw text', () => {
    expect(fillable(['html', 'head', 'title', '/title', 'meta', 'style', '/style', '/head', 'body', 'div#a', 'script', '/script', 'p#b'])).toEqual([
      'div#a',
      'p#b',
    ]);
  });

  it('ends <head> at the first element that does not belong there, or at <body>', () => {
    expect(fillable(['html', 'head', 'meta', 'div#a'])).toEqual(['div#a']);
    expect(fillable(['html', 'head', 'link', 'body', 'div#a'])).toEqual(['div#a']);
    // Inside a template in head nothing ends head.
    expect(fillable(['html', 'head', 'template', 'div#x', '/template', 'meta', '/head', 'body', 'div#a'])).toEqual(['div#a']);
  });

  it('skips everything inside svg, math, template and object, until their end tag', () => {
    expect(fillable(['body', 'svg', 'g', 'text#x', 'foreignObject', 'div#y', '/foreignObject', '/svg', 'div#a'])).toEqual(['div#a']);
    expect(fillable(['body', 'math', 'mi#x', '/math', 'template', 'div#y', '/template', 'object', 'div#z', '/object', 'p#a'])).toEqual(['p#a']);
  });

  it('treats a self-closing svg as complete, and stays closed to fills when an end tag never comes', () => {
    expect(fillable(['body', 'svg/', 'div#a'])).toEqual(['div#a']);
    expect(fillable(['body', 'svg', 'path/', 'div#x'])).toEqual([]);
    expect(fillable(['body', 'template', 'div#x', 'div#y'])).toEqual([]);
  });
});

describe('selectorProblem', () => {
  it('refuses a subject that names an unsafe element', () => {
    for (const name of UNSAFE_NAMES) {
      expect(selectorProblem(name), name).not.toBeNull();
      expect(selectorProblem(`main > ${name}.x[data-y="a b"]`), name).not.toBeNull();
    }
    expect(selectorProblem('SCRIPT')).toMatch(/<script>/);
    expect(selectorProblem(':root')).toMatch(/<html>/);
    expect(selectorProblem('body')).toMatch(/<body> itself/);
  });

  it('refuses a selector that can only match inside head or unsafe content', () => {
    expect(selectorProblem('head *')).toMatch(/inside <head>/);
    expect(selectorProblem('head > .x')).toMatch(/inside <head>/);
    expect(selectorProblem('svg text')).toMatch(/inside <svg>/);
    expect(selectorProblem('template div')).toMatch(/inside <template>/);
    expect(selectorProblem('noscript > p')).toMatch(/inside <noscript>/);
  });

  it('accepts selectors that cannot be proven unsafe (render guards those)', () => {
    for (const s of [
      '#promo',
      '.hero h1',
      'main > div.x',
      '*',
      '[data-x="script"]',
      '[data-x="head > p"]',
      'body > main',
      'div:first-child',
      'scripts',
      'header',
    ])
      expect(selectorProblem(s), s).toBeNull();
  });
});

describe('refused on write, with a reason on the field', () => {
  it('a slot selector and an inline message target', async () => {
    const { slotSchema } = await import('../config/personalization');
    const { messageSchema } = await import('../config/messages');
    const slot = slotSchema.safeParse({ id: 's', name: 'S', selector: 'main > textarea', variants: [] });
    expect(slot.success).toBe(false);
    expect(slot.error?.issues[0]).toMatchObject({ path: ['selector'], message: expect.stringMatching(/<textarea>/) });
    const message = messageSchema.safeParse({ id: 'm', name: 'M', type: 'inline', target: 'head > .x', body: 'Hi' });
    expect(message.success).toBe(false);
    expect(message.error?.issues[0]).toMatchObject({ path: ['target'], message: expect.stringMatching(/inside <head>/) });
    expect(slotSchema.safeParse({ id: 's', name: 'S', selector: '.hero h1', variants: [] }).success).toBe(true);
  });
});
