import { describe, expect, it } from 'vitest';
import { groupBySite, siteOf } from './feed';

describe('groupBySite', () => {
  it('groups events and erase messages by site and sets aside unknown shapes', () => {
    const a = { body: { kind: 'events', site: 'a', visitorId: 'v1', receivedAt: 1, events: [], snapshot: null } };
    const b = { body: { kind: 'erase', site: 'b', visitorId: 'v2', at: 2 } };
    const a2 = { body: { kind: 'erase', site: 'a', visitorId: 'v3', at: 3 } };
    const bad = { body: { kind: 'other', site: 'a', visitorId: 'v' } };
    const { bySite, unknown } = groupBySite([a, b, a2, bad, { body: 'x' }]);
    expect([...bySite.keys()]).toEqual(['a', 'b']);
    expect(bySite.get('a')).toEqual([a, a2]);
    expect(unknown).toHaveLength(2);
    expect(siteOf(null)).toBeNull();
  });
});
