import { describe, expect, it } from 'vitest';
import {
  blankContent,
  blankSlot,
  contentTypeLabel,
  CONTENT_TYPES,
  experimentSummary,
  newExperiment,
  newVariant,
  previewHtml,
  slotDraft,
  variantsSummary,
} from './model';
import { slotSchema } from '../../../protocol/config/personalization';

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

describe('slotDraft: the experiment', () => {
  const base = { id: 'hero', name: 'Hero', variants: [] };
  it('types the holdout and window as numbers and trims the goal event: a valid slot for the API', () => {
    const d = slotDraft({ ...base, experiment: { holdout: '20', goal: { event: ' purchase ', withinHours: '48' } } }, { isNew: false, existing: [] });
    expect(d.body['experiment']).toEqual({ holdout: 20, goal: { event: 'purchase', withinHours: 48 } });
    expect(slotSchema.safeParse(d.body).success).toBe(true);
  });
  it('leaves the experiment out when it is off, and starts a new one at 10% and 24 hours', () => {
    expect(slotDraft({ ...base, experiment: undefined }, { isNew: false, existing: [] }).body).not.toHaveProperty('experiment');
    expect(newExperiment()).toEqual({ holdout: 10, goal: { event: '', withinHours: 24 } });
  });
  it('keeps what cannot be a number as typed, so the API names the field', () => {
    const d = slotDraft({ ...base, experiment: { holdout: '', goal: { event: '', withinHours: '24' } } }, { isNew: false, existing: [] });
    const paths = slotSchema.safeParse(d.body).error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['experiment.holdout', 'experiment.goal.event']);
  });
});

describe('experimentSummary', () => {
  it('says the holdout and goal, or None', () => {
    expect(experimentSummary({ holdout: 20, goal: { event: 'purchase', withinHours: 48 } })).toBe('20% holdout · goal purchase within 48 h');
    expect(experimentSummary(undefined)).toBe('None');
  });
});
