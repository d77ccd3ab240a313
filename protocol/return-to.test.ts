import { describe, expect, it } from 'vitest';
import corpus from './return-to.corpus.json';
import { safeReturnTo } from './return-to';

describe('safeReturnTo', () => {
  it('has a corpus of at least 30 open-redirect payloads', () => {
    expect(corpus.offSite.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.offSite.map((payload) => [JSON.stringify(payload), payload]))('refuses %s', (_label, payload) => {
    expect(safeReturnTo(payload)).toBeNull();
    expect(safeReturnTo(payload, '/')).toBe('/');
  });

  it.each(corpus.onSite)('keeps the same-origin path %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it('never hands out anything a browser would resolve off the origin', () => {
    for (const payload of [...corpus.offSite, ...corpus.onSite.map(([input]) => input)]) {
      const out = safeReturnTo(payload);
      if (out === null) continue;
      expect(new URL(out, 'https://shop.example').origin).toBe('https://shop.example');
      expect(out.startsWith('/') && !out.startsWith('//')).toBe(true);
    }
  });

  it('refuses what is not text', () => {
    for (const value of [undefined, null, 42, {}, ['/']]) expect(safeReturnTo(value)).toBeNull();
  });
});
