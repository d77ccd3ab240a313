import { describe, expect, it } from 'vitest';
import { routeKey } from './pageviews';

const loc = (url: string) => {
  const u = new URL(url);
  return { pathname: u.pathname, hash: u.hash };
};
const changed = (a: string, b: string, hash = false) => routeKey(loc(a), hash) != routeKey(loc(b), hash);

describe('routeKey: what counts as a new page view', () => {
  it('a new path counts', () => expect(changed('https://s.example/a', 'https://s.example/b')).toBe(true));
  it('the same path (replaceState) does not', () => expect(changed('https://s.example/a', 'https://s.example/a')).toBe(false));
  it('query-only changes do not', () => expect(changed('https://s.example/a?x=1', 'https://s.example/a?x=2')).toBe(false));
  it('hash changes do not by default', () => expect(changed('https://s.example/a#/x', 'https://s.example/a#/y')).toBe(false));
  it('hash routes count with data-spa="hash"', () => expect(changed('https://s.example/#/x', 'https://s.example/#/y', true)).toBe(true));
  it('a query inside the hash route does not', () => expect(changed('https://s.example/#/x?a=1', 'https://s.example/#/x?a=2', true)).toBe(false));
});
