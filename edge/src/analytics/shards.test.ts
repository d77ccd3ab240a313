import { describe, expect, it } from 'vitest';
import { candidateShards, extendHistory, jumpHash, shardCount, shardName, visitorKey } from './shards';

const visitors = Array.from({ length: 5_000 }, (_, i) => `v-${i.toString(36)}-${(i * 7919).toString(16)}`);

describe('analytics shards', () => {
  it('keeps shard 0 under the site name and names the others apart (site ids have no "#")', () => {
    expect(shardName('shop', 0)).toBe('shop');
    expect(shardName('shop', 7)).toBe('shop#7');
  });

  it('jump hash: one bucket for one shard, in range, balanced, and raising the count moves only onto the new shards', () => {
    const counts = new Array<number>(8).fill(0);
    let moved = 0;
    for (const v of visitors) {
      const key = visitorKey(v);
      expect(jumpHash(key, 1)).toBe(0);
      const at8 = jumpHash(key, 8);
      const at16 = jumpHash(key, 16);
      expect(at8).toBeGreaterThanOrEqual(0);
      expect(at8).toBeLessThan(8);
      counts[at8]!++;
      if (at16 !== at8) {
        moved++;
        expect(at16).toBeGreaterThanOrEqual(8);
      }
    }
    for (const c of counts) expect(Math.abs(c - visitors.length / 8)).toBeLessThan(visitors.length / 8 / 10);
    // About half move from 8 to 16 shards (a modulo would move about half too, but onto any shard).
    expect(Math.abs(moved / visitors.length - 0.5)).toBeLessThan(0.03);
  });

  it('lists candidates oldest count first, each once, ending at the newest count’s shard', () => {
    for (const v of visitors.slice(0, 500)) {
      const c = candidateShards(v, [1, 4, 16]);
      expect(c[0]).toBe(0);
      expect(c.at(-1)).toBe(jumpHash(visitorKey(v), 16));
      expect(new Set(c).size).toBe(c.length);
      expect([...c].sort((a, b) => a - b)).toEqual(c);
    }
    expect(candidateShards('anyone', [1])).toEqual([0]);
  });

  it('records only raises in the history; a lower count changes nothing', () => {
    expect(extendHistory([1], 1)).toEqual([1]);
    expect(extendHistory([1], 8)).toEqual([1, 8]);
    expect(extendHistory([1, 8], 4)).toEqual([1, 8]);
    expect(extendHistory([1, 8], 16)).toEqual([1, 8, 16]);
    expect(shardCount([1, 8, 16])).toBe(16);
    expect(shardCount([])).toBe(1);
  });
});
