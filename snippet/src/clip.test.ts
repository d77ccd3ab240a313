import { describe, expect, it } from 'vitest';
import { plain, str } from './clip';

describe('str', () => {
  it('cuts and stringifies, empty for null/undefined', () => {
    expect(str('x'.repeat(300), 100)).toHaveLength(100);
    expect(str(42, 100)).toBe('42');
    expect(str(undefined, 100)).toBe('');
    expect(str(null, 100)).toBe('');
  });
});

describe('plain', () => {
  it('keeps valid JSON values as they are', () => {
    const p = { a: 'x', b: 1.5, c: true, d: null, e: [1, 'two'], f: { g: { h: 1 } } };
    expect(plain(p)).toEqual(p);
  });
  it('is undefined for non-objects', () => {
    expect(plain('abc')).toBeUndefined();
    expect(plain(undefined)).toBeUndefined();
    expect(plain(5)).toBeUndefined();
  });
  it('makes values JSON: drops functions, undefined and symbols, NaN and Infinity become null, Dates strings', () => {
    const date = new Date(0);
    expect(plain({ a: NaN, b: Infinity, c: undefined, d: () => 1, e: Symbol('s'), f: 1, g: date })).toEqual({
      a: null,
      b: null,
      f: 1,
      g: '1970-01-01T00:00:00.000Z',
    });
  });
  it('keeps "__proto__" as a plain key', () => {
    const out = plain<object>(JSON.parse('{"__proto__": {"x": 1}}'))!;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
  it('throws on circular objects (wm() drops that call)', () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    expect(() => plain(o)).toThrow();
  });
});
