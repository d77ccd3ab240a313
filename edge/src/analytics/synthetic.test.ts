import { describe, expect, it } from 'vitest';
import { synthesize } from './synthetic';

describe('synthesize', () => {
  const spec = { visitors: 200, firstVisitor: 0, eventsPerVisitor: 10, start: 1_700_000_000_000, spanMs: 86_400_000, seed: 7 };
  it('is deterministic, ordered in time, with unique ids and about the asked volume', () => {
    const a = [...synthesize(spec)];
    const b = [...synthesize(spec)];
    expect(a).toEqual(b);
    const ids = a.flatMap((v) => v.events.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const v of a) expect(v.events.map((e) => e.ts)).toEqual([...v.events.map((e) => e.ts)].sort((x, y) => x - y));
    expect(ids.length / a.length).toBeGreaterThan(6);
    expect(ids.length / a.length).toBeLessThan(14);
    // Every funnel step happens, and fewer at each step.
    const count = (name: string) => a.filter((v) => v.events.some((e) => e.name === name)).length;
    expect(count('add_to_cart')).toBeGreaterThan(count('checkout_start'));
    expect(count('checkout_start')).toBeGreaterThan(count('purchase'));
    expect(count('purchase')).toBeGreaterThan(0);
  });
  it('continues numbering across chunks', () => {
    const [first] = [...synthesize({ ...spec, visitors: 1, firstVisitor: 5 })];
    expect(first?.id).toBe([...synthesize(spec)][5]?.id);
  });
  it('generates a filtered share exactly as the full run does', () => {
    const odd = (id: string) => parseInt(id.slice(4), 36) % 2 === 1;
    const share = [...synthesize(spec, odd)];
    expect(share.length).toBe(100);
    expect(share).toEqual([...synthesize(spec)].filter((v) => odd(v.id)));
  });
});
