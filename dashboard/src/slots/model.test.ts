import { describe, expect, it } from 'vitest';
import { blankContent, blankSlot, contentTypeLabel, CONTENT_TYPES, newVariant, previewHtml, slotDraft, variantsSummary } from './model';

describe('slot content', () => {
  it('labels each content type', () => {
    expect(CONTENT_TYPES.map(contentTypeLabel)).toEqual(['HTML', 'Text', 'Link', 'Image']);
  });
  it('starts each type with its empty fields', () => {
    expect(blankContent('link')).toEqual({ type: 'link', text: '', href: '' });
    expect(blankContent('image')).toEqual({ type: 'image', src: '', alt: '' });
    expect(blankContent('anything')).toEqual({ type: 'html', html: '' });
  });
  it('previews what the edge renders, without scripts', () => {
    const html = previewHtml({ type: 'html', html: '<h1>Hi</h1><script>alert(1)</script>' });
    expect(html).toContain('<h1>Hi</h1>');
    expect(html).not.toContain('script');
  });
  it('says why a preview is empty', () => {
    expect(previewHtml({ type: 'html', html: '' })).toContain('Nothing to show');
  });
});

describe('variantsSummary', () => {
  const names = new Map([['road', 'Road runners']]);
  it('lists segment names by priority, highest first', () => {
    const v = [
      { segment: 'trail', priority: 5 },
      { segment: 'road', priority: 20 },
    ];
    expect(variantsSummary(v, names)).toBe('Road runners (20) · trail (5)');
  });
  it('says when everyone sees the default', () => {
    expect(variantsSummary([], names)).toBe('No variants: everyone sees the page’s default');
  });
});

describe('slotDraft', () => {
  it('types priorities, trims the id and leaves out a blank selector', () => {
    const item = { ...blankSlot(), id: ' hero ', name: 'Hero', selector: ' ', variants: [{ ...newVariant(), segment: 'road', priority: '30' }] };
    expect(slotDraft(item, { isNew: true, existing: [] })).toEqual({
      id: 'hero',
      issues: [],
      body: { id: 'hero', name: 'Hero', variants: [{ segment: 'road', priority: 30, content: { type: 'html', html: '' } }] },
    });
  });
  it('turns a priority that is not a number into NaN (null on the wire, refused by the API), and refuses a taken id', () => {
    const d = slotDraft({ id: 'hero', variants: [{ priority: 'high' }] }, { isNew: true, existing: [{ id: 'hero' }] });
    expect(d.body['variants'][0].priority).toBeNaN();
    expect(d.issues).toEqual([{ path: 'id', message: 'a slot “hero” already exists: pick another id' }]);
  });
});
