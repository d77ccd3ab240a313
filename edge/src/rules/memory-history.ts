/** An event history held in memory, as the golden cases and the decision tests use it; the Durable Object answers the same from SQLite. */
import type { EventHistory } from './evaluate';

export type HistoryEvent = { name: string; ts: number };

export function historyOf(events: readonly HistoryEvent[]): EventHistory {
  return {
    count: (name, since) => events.filter((e) => e.name === name && (since === null || e.ts >= since)).length,
    last: (name) => {
      const times = events.filter((e) => e.name === name).map((e) => e.ts);
      return times.length ? Math.max(...times) : null;
    },
    timesAfter: (ts) =>
      events
        .map((e) => e.ts)
        .filter((t) => t > ts)
        .sort((a, b) => a - b),
  };
}
