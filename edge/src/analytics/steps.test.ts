import { describe, expect, it } from 'vitest';
import { firstTouch, pathOf, stepLabel, stepSql } from './steps';

describe('stepSql', () => {
  it('matches events by name and pages by exact path or prefix', () => {
    expect(stepSql({ event: 'add_to_cart' }, 'e')).toEqual({ sql: 'e.name = ?', args: ['add_to_cart'] });
    expect(stepSql({ page: '/*' }, 'e')).toEqual({ sql: "e.name = 'page'", args: [] });
    expect(stepSql({ page: '/cart' }, 'x')).toEqual({ sql: "(x.name = 'page' AND x.path = ?)", args: ['/cart'] });
    expect(stepSql({ page: '/shop/*' }, 'e')).toEqual({
      sql: "(e.name = 'page' AND (e.path = ? OR substr(e.path, 1, ?) = ?))",
      args: ['/shop', 6, '/shop/'],
    });
  });
  it('labels a step by its label, event or page', () => {
    expect(stepLabel({ event: 'buy', label: 'Purchase' })).toBe('Purchase');
    expect(stepLabel({ page: '/shop/*' })).toBe('/shop/*');
  });
});

describe('firstTouch', () => {
  const url = 'https://shop.example/landing?x=1';
  it('prefers UTM, then an outside referrer host, then direct', () => {
    expect(firstTouch({ url, utm: { source: 'newsletter', medium: 'email', campaign: 'spring' } })).toEqual({
      source: 'newsletter',
      medium: 'email',
      campaign: 'spring',
    });
    expect(firstTouch({ url, utm: { campaign: 'spring' } })).toEqual({ source: '(not set)', medium: '(not set)', campaign: 'spring' });
    expect(firstTouch({ url, ref: 'https://www.google.com/search?q=x' })).toEqual({ source: 'google.com', medium: 'referral', campaign: null });
    expect(firstTouch({ url, ref: 'https://shop.example/other' })).toEqual({ source: 'direct', medium: '(none)', campaign: null });
    expect(firstTouch({ url, ref: '' })).toEqual({ source: 'direct', medium: '(none)', campaign: null });
  });
  it('takes the path of a URL without query or fragment', () => {
    expect(pathOf('https://shop.example/a/b?c=1#d')).toBe('/a/b');
    expect(pathOf('not a url')).toBe('/');
  });
});
