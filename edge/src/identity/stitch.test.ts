import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../protocol/wire';
import { claimedUser, goldenRecordName, linkedVisitorLabel, mergedSpan, needsLink, parseLink } from './stitch';

const base = { ts: 1, sid: 'session-1', url: 'https://shop.example/' };
const identify = (id: string, userId: string): WireEvent => ({ ...base, id, type: 'identify', userId });
const track = (id: string): WireEvent => ({ ...base, id, type: 'track', name: 'add_to_cart' });
const record = (c: string) => c.repeat(64);

describe('identity stitching rules', () => {
  it('a batch claims the user of its last identify event, in batch order', () => {
    expect(claimedUser([track('e0000001')])).toBeNull();
    expect(claimedUser([identify('e0000001', 'alice'), track('e0000002')])).toBe('alice');
    expect(claimedUser([identify('e0000001', 'alice'), identify('e0000002', 'bob'), track('e0000003')])).toBe('bob');
  });

  it('an alias claims its userId for this browser; its previousId is never a claim', () => {
    const alias = (id: string, userId: string, previousId?: string): WireEvent => ({
      ...base,
      id,
      type: 'alias',
      userId,
      ...(previousId ? { previousId } : {}),
    });
    expect(claimedUser([alias('e0000001', 'alice', 'someone-else')])).toBe('alice');
    expect(claimedUser([identify('e0000001', 'alice'), alias('e0000002', 'bob', 'alice')])).toBe('bob');
    expect(claimedUser([alias('e0000001', 'bob', 'alice'), identify('e0000002', 'carol')])).toBe('carol');
    const group: WireEvent = { ...base, id: 'e0000001', type: 'group', groupId: 'acme' };
    expect(claimedUser([group])).toBeNull();
  });

  it('golden record names cannot meet visitor profile names', () => {
    expect(goldenRecordName('demo', 'alice')).toBe('demo:user:alice');
    // A visitor profile is `${site}:${22 base64url characters}`: never a ':' after the site.
    expect(goldenRecordName('demo', 'x').slice('demo:'.length)).toContain(':');
  });

  it('links only when the claimed user is not the linked one', () => {
    const link = { record: record('a'), generation: 'g1' };
    expect(needsLink(null, null)).toBe(false);
    expect(needsLink(null, record('a'))).toBe(true);
    expect(needsLink(link, record('a'))).toBe(false);
    expect(needsLink(link, record('b'))).toBe(true);
    expect(needsLink(link, null)).toBe(false);
  });

  it('reads a stored link, and treats anything unreadable as no link', () => {
    const link = { record: record('c'), generation: 'g-1' };
    expect(parseLink(JSON.stringify(link))).toEqual(link);
    for (const bad of [undefined, '', '{', '{"record":"x","generation":"g"}', JSON.stringify({ ...link, extra: 1 }), JSON.stringify({ record: record('c') })]) {
      expect(parseLink(bad)).toBeNull();
    }
  });

  it('merges first/last seen as the earliest and latest of both', () => {
    expect(mergedSpan({ firstSeen: 5, lastSeen: 9 }, { firstSeen: 3, lastSeen: 7 })).toEqual({ firstSeen: 3, lastSeen: 9 });
    expect(mergedSpan({ firstSeen: null, lastSeen: null }, { firstSeen: 3, lastSeen: 7 })).toEqual({ firstSeen: 3, lastSeen: 7 });
    expect(mergedSpan({ firstSeen: 5, lastSeen: 9 }, { firstSeen: null, lastSeen: null })).toEqual({ firstSeen: 5, lastSeen: 9 });
  });

  it('shows a linked browser by a short prefix of its id only', () => {
    expect(linkedVisitorLabel('AbCdEfGhIjKlMnOpQrStUv')).toBe('AbCdEfGh');
  });
});
