import { describe, expect, it } from 'vitest';
import type { SlotDecision } from '../../../protocol/wire';
import { cacheKey, MAX_AGE, usable } from './cache';

const d: SlotDecision[] = [{ kind: 'slot', id: 'hero', html: '<b>trail</b>', segment: 'trail', why: 'test' }];
const now = 1_800_000_000_000;

describe('cacheKey', () => {
  it('is one entry per site', () => {
    expect(cacheKey('demo')).toBe('decisions:demo');
    expect(cacheKey('shop')).not.toBe(cacheKey('demo'));
  });
});

describe('usable: which cache entry may render', () => {
  it("this visitor's recent entry", () => {
    expect(usable({ v: 'tok', t: now - 1000, d }, 'tok', now)).toEqual(d);
    expect(usable({ v: '', t: now, d: [] }, '', now)).toEqual([]);
  });
  it('not another visitor token (erased, consent withdrawn and given again)', () => {
    expect(usable({ v: 'old', t: now, d }, 'new', now)).toBeUndefined();
    expect(usable({ v: '', t: now, d }, 'tok', now)).toBeUndefined();
  });
  it('not older than MAX_AGE, nor from the future', () => {
    expect(usable({ v: 'tok', t: now - MAX_AGE, d }, 'tok', now)).toBeUndefined();
    expect(usable({ v: 'tok', t: now + 60_000, d }, 'tok', now)).toBeUndefined();
  });
  it('nothing from a missing or corrupt entry; bad decisions inside are dropped', () => {
    expect(usable(undefined, 'tok', now)).toBeUndefined();
    expect(usable('x', 'tok', now)).toBeUndefined();
    expect(usable({ v: 'tok', d }, 'tok', now)).toBeUndefined();
    expect(usable({ v: 'tok', t: now, d: [...d, { kind: 'slot', id: 'x' }] }, 'tok', now)).toEqual(d);
  });
});
