import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../../protocol/wire';
import { campaignUtm, utmFromUrl, withContextFields } from './context';

const base = { id: 'evt-00000001', ts: 1_700_000_000_000, sid: 'sess-0000001', url: 'https://shop.example/' };

describe('Segment context on wire events', () => {
  it('turns context.campaign into UTM fields (name is utm_campaign)', () => {
    expect(campaignUtm({ name: 'TPS Innovation Newsletter', source: 'Newsletter', medium: 'email', term: 'tps reports', content: 'image link' })).toEqual({
      campaign: 'TPS Innovation Newsletter',
      source: 'Newsletter',
      medium: 'email',
      term: 'tps reports',
      content: 'image link',
    });
    expect(campaignUtm({})).toBeUndefined();
    expect(campaignUtm(undefined)).toBeUndefined();
  });

  it('fills UTM, referrer and title from the context, never over what the event itself says', () => {
    const parsed = eventSchema.parse({
      ...base,
      type: 'page',
      context: {
        campaign: { source: 'news', name: 'spring' },
        page: { referrer: 'https://ref.example/a', title: 'Pricing', url: 'https://shop.example/pricing' },
        userAgent: 'Mozilla/5.0 (sent by a library)',
        locale: 'en-US',
        library: { name: 'analytics.js', version: '2.11.1' },
        ip: '8.8.8.8',
      },
    });
    const out = withContextFields(parsed);
    expect(out.utm).toEqual({ source: 'news', campaign: 'spring' });
    expect(out.type === 'page' && out.ref).toBe('https://ref.example/a');
    expect(out.title).toBe('Pricing');
    // Kept: locale and library. Dropped: userAgent (the edge reads the header) and unknown keys.
    expect(JSON.parse(JSON.stringify(out.context))).toEqual({
      campaign: { source: 'news', name: 'spring' },
      page: { referrer: 'https://ref.example/a', title: 'Pricing', url: 'https://shop.example/pricing' },
      locale: 'en-US',
      library: { name: 'analytics.js', version: '2.11.1' },
    });
    const own = withContextFields(
      eventSchema.parse({ ...base, type: 'page', title: 'Own', utm: { source: 'x' }, context: { campaign: { source: 'y' }, page: { title: 'Ctx' } } }),
    );
    expect(own.utm).toEqual({ source: 'x' });
    expect(own.title).toBe('Own');
  });

  it('leaves an event without context as it is, and refuses a context of the wrong shape', () => {
    const plain = eventSchema.parse({ ...base, type: 'track', name: 'x' });
    expect(withContextFields(plain)).toBe(plain);
    expect(eventSchema.safeParse({ ...base, type: 'track', name: 'x', context: 'nope' }).success).toBe(false);
    expect(eventSchema.safeParse({ ...base, type: 'track', name: 'x', context: { library: { version: '1' } } }).success).toBe(false);
  });

  it('reads the five utm_* parameters of a page URL (moved here from the snippet)', () => {
    expect(utmFromUrl('https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring+sale&utm_term=shoes&utm_content=a&x=1')).toEqual({
      source: 'news',
      medium: 'email',
      campaign: 'spring sale',
      term: 'shoes',
      content: 'a',
    });
    expect(utmFromUrl('https://shop.example/?x=1&utm_source=&utm_foo=bar')).toBeUndefined();
    expect(utmFromUrl('https://shop.example/?utm_source=' + 's'.repeat(500))).toEqual({ source: 's'.repeat(200) });
    const page = eventSchema.parse({ ...base, type: 'page', url: 'https://shop.example/p?utm_source=news' });
    expect(withContextFields(page).utm).toEqual({ source: 'news' });
    const track = eventSchema.parse({ ...base, type: 'track', name: 'x', url: 'https://shop.example/p?utm_source=news' });
    expect(withContextFields(track).utm).toBeUndefined();
  });
});
