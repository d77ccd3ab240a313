import { describe, expect, it } from 'vitest';
import { claimedHostnames, hostnameChanges, hostnameProblem, hostnamesSchema, MAX_HOSTNAMES } from '../../../protocol/config/hostnames';
import { proxiedLocation } from './redirect';

describe('hostnames', () => {
  it.each(['shop.example.com', 'localhost', 'a-b.c0.example', 'xn--caf-dma.example'])('accepts %s', (host) => {
    expect(hostnameProblem(host)).toBeNull();
  });

  it.each([
    ['https://shop.example.com', /no scheme/],
    ['shop.example.com/path', /no path/],
    ['shop.example.com:8443', /no port/],
    ['Shop.Example.com', /lowercase/],
    ['', /empty/],
    ['-bad.example', /must be a hostname/],
    ['two..dots', /must be a hostname/],
    ['under_score.example', /must be a hostname/],
  ])('refuses %s', (host, reason) => {
    expect(hostnameProblem(host)).toMatch(reason);
  });

  it('refuses duplicates (at the index of the repeat) and more than the limit', () => {
    const dup = hostnamesSchema.safeParse(['a.example', 'b.example', 'a.example']);
    expect(dup.success).toBe(false);
    expect(dup.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['2', '"a.example" is listed twice']]);
    const many = Array.from({ length: MAX_HOSTNAMES + 1 }, (_, i) => `h${i}.example`);
    expect(hostnamesSchema.safeParse(many).success).toBe(false);
    expect(hostnamesSchema.safeParse(many.slice(1)).success).toBe(true);
    const bad = hostnamesSchema.safeParse(['ok.example', 'HTTP://x']);
    expect(bad.error?.issues[0]?.path).toEqual([1]);
  });

  it('says which hostnames the index gains and loses', () => {
    expect(hostnameChanges(['a', 'b'], ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
    expect(hostnameChanges([], ['a'])).toEqual({ added: ['a'], removed: [] });
    expect(hostnameChanges(['a'], [])).toEqual({ added: [], removed: ['a'] });
    expect(claimedHostnames(null)).toEqual([]);
    expect(claimedHostnames({ proxy: { hostnames: ['a'] } })).toEqual(['a']);
    expect(claimedHostnames({})).toEqual([]);
  });
});

describe('proxiedLocation', () => {
  const UP = 'https://origin.shop.example';
  const REQ = 'https://shop.example.com/cart?x=1';

  it('moves a Location on the upstream’s origin to the host the visitor asked, keeping path and query', () => {
    expect(proxiedLocation('https://origin.shop.example/login?next=%2Fcart#top', UP, REQ)).toBe('https://shop.example.com/login?next=%2Fcart#top');
    expect(proxiedLocation('http://origin.shop.example/', UP, REQ)).toBe('https://shop.example.com/');
    expect(proxiedLocation('//origin.shop.example/a', UP, REQ)).toBe('https://shop.example.com/a');
    expect(proxiedLocation('HTTPS://ORIGIN.shop.example/A', UP, REQ)).toBe('https://shop.example.com/A');
    expect(proxiedLocation('https://origin.example:8443/a', 'https://origin.example:8443', 'http://localhost:8787/')).toBe('http://localhost:8787/a');
  });

  it('leaves relative Locations and other hosts alone', () => {
    for (const loc of [
      '/login',
      'login',
      '?page=2',
      'https://accounts.example/sso',
      'https://origin.shop.example:8443/a',
      'https://evil.example/origin.shop.example',
      'mailto:a@origin.shop.example',
    ]) {
      expect(proxiedLocation(loc, UP, REQ)).toBe(loc);
    }
    expect(proxiedLocation('https://[bad', UP, REQ)).toBe('https://[bad');
  });
});
