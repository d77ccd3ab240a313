import { describe, expect, it } from 'vitest';
import { isWaymarkPath, pageFacts } from './proxy-page';

describe('proxy page helpers', () => {
  it('leaves /_wm and everything under it to the app', () => {
    expect(isWaymarkPath(new URL('https://shop.example/_wm'))).toBe(true);
    expect(isWaymarkPath(new URL('https://shop.example/_wm/e'))).toBe(true);
    expect(isWaymarkPath(new URL('https://shop.example/_wmx'))).toBe(false);
    expect(isWaymarkPath(new URL('https://shop.example/shop'))).toBe(false);
  });

  it('describes the page as the snippet would: URL, referrer, utm_* (capped)', () => {
    const url = new URL(`https://shop.example/?utm_source=news&utm_campaign=${'x'.repeat(300)}&utm_other=1`);
    const facts = pageFacts(url, 'https://ref.example/');
    expect(facts).toMatchObject({ url: url.href, referrer: 'https://ref.example/', utm: { source: 'news' } });
    expect(facts.utm?.campaign).toHaveLength(200);
    expect(pageFacts(new URL('https://shop.example/'), undefined)).toEqual({ url: 'https://shop.example/' });
  });
});
