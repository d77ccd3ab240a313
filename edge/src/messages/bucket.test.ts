import { describe, expect, it } from 'vitest';
import { assignVariant, bucket } from './bucket';

// Visitor ids shaped like real ones (prefix + counter): similar strings are the hard case for a hash.
const ids = Array.from({ length: 10_000 }, (_, i) => `v_${i.toString(36).padStart(8, '0')}`);

describe('bucket', () => {
  it('is in [0, 1) and stable for the same visitor and message', () => {
    for (const id of ids.slice(0, 100)) {
      const b = bucket(id, 'spring-sale');
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(1);
      expect(bucket(id, 'spring-sale')).toBe(b);
    }
    // Pinned: a change of hash would silently move every visitor between variants.
    expect(bucket('visitor-1', 'spring-sale').toFixed(6)).toBe('0.136895');
  });

  it('is uniform: each tenth of the space gets 10% ± 1%', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const id of ids) deciles[Math.floor(bucket(id, 'm') * 10)]! += 1;
    for (const n of deciles) expect(Math.abs(n / ids.length - 0.1)).toBeLessThan(0.01);
  });

  it('is independent across messages: holdouts of two messages overlap by about the product', () => {
    const inA = ids.map((id) => bucket(id, 'message-a') < 0.2);
    const inB = ids.map((id) => bucket(id, 'message-b') < 0.2);
    const both = inA.filter((a, i) => a && inB[i]).length / ids.length;
    expect(Math.abs(both - 0.04)).toBeLessThan(0.01);
  });
});

describe('assignVariant', () => {
  const message = {
    id: 'spring-sale',
    holdout: 10,
    variants: [
      { id: 'a', weight: 50 },
      { id: 'b', weight: 30 },
      { id: 'c', weight: 20 },
    ],
  };

  it('holdout share and variant weights within ±2% over 10,000 visitors', () => {
    const counts = new Map<string, number>();
    for (const id of ids) {
      const a = assignVariant(message, id);
      const key = a.holdout ? 'holdout' : a.variant.id;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const share = (k: string) => (counts.get(k) ?? 0) / ids.length;
    expect(Math.abs(share('holdout') - 0.1)).toBeLessThan(0.02);
    // Weights are shares of the visitors outside the holdout.
    expect(Math.abs(share('a') - 0.9 * 0.5)).toBeLessThan(0.02);
    expect(Math.abs(share('b') - 0.9 * 0.3)).toBeLessThan(0.02);
    expect(Math.abs(share('c') - 0.9 * 0.2)).toBeLessThan(0.02);
  });

  it('is stable: the same visitor gets the same assignment every time', () => {
    for (const id of ids.slice(0, 500)) expect(assignVariant(message, id)).toEqual(assignVariant(message, id));
  });

  it('holdout 0 keeps nobody out; one variant takes everyone else', () => {
    const single = { id: 'x', holdout: 0, variants: [{ id: 'only', weight: 100 }] };
    expect(
      ids.slice(0, 1000).every((id) => {
        const a = assignVariant(single, id);
        return !a.holdout && a.variant.id === 'only';
      }),
    ).toBe(true);
  });

  it('raising the holdout only moves visitors into it, never between holdout and back', () => {
    const wider = { ...message, holdout: 20 };
    for (const id of ids.slice(0, 2000)) {
      if (assignVariant(message, id).holdout) expect(assignVariant(wider, id).holdout).toBe(true);
    }
  });
});
