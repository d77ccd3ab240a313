import { describe, expect, it } from 'vitest';
import { hrefOf, parseHash } from './routing';

describe('routing', () => {
  it('reads site, tab and id from the hash', () => {
    expect(parseHash('#/s/shop/segments/vip')).toEqual({ site: 'shop', tab: 'segments', id: 'vip' });
    expect(parseHash('#/s/shop/slots')).toEqual({ site: 'shop', tab: 'slots' });
  });
  it('falls back to the overview for an unknown tab, and to no site without one', () => {
    expect(parseHash('#/s/shop/nope')).toEqual({ site: 'shop', tab: 'overview' });
    expect(parseHash('#/')).toEqual({});
    expect(parseHash('')).toEqual({});
  });
  it('round-trips encoded parts', () => {
    expect(hrefOf('my shop', 'segments', 'a/b')).toBe('#/s/my%20shop/segments/a%2Fb');
    expect(parseHash(hrefOf('my shop', 'segments', 'a/b'))).toEqual({ site: 'my shop', tab: 'segments', id: 'a/b' });
  });
});
