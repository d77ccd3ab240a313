/** The synthetic event "Send test event" forwards: a track `waymark_test` from a test visitor, on the site's first origin. Pure. */
import type { ForwardEvent } from './providers/common';

export function testEvent(origin: string, now: number): ForwardEvent {
  const id = `wmtest-${now.toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  return {
    event: { type: 'track', name: 'waymark_test', id, ts: now, sid: 'wmtest-session', url: `${origin}/`, props: { source: 'waymark dashboard' } },
    visitorId: 'wmtest-visitor-0000000',
    userId: null,
    receivedAt: now,
  };
}
