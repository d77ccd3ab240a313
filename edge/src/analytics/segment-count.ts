/**
 * A live count of the stored visitors a draft segment condition matches, with the same pure rules
 * engine the visitor profiles use (rules/evaluate.ts). Facts come from the analytics store: traits,
 * prefs, consent and user id from the visitor row, event history from the events table (the
 * (name, visitor, ts) index answers the counts), the latest page and the first touch's referrer
 * and UTM for request tests. Device and geo are not stored here, so those tests never match.
 */
import { SEGMENT_COUNT_SAMPLE } from '../../../protocol/analytics';
import type { ConsentState, PrefValue, PropValue, Utm } from '../../../protocol/wire';
import type { Condition } from '../../../protocol/config/conditions';
import { evaluate, type EventHistory, type Facts } from '../rules/evaluate';
import type { SegmentPart } from './merge';

type Row = {
  id: string;
  user_id: string | null;
  traits: string;
  prefs: string;
  consent: string | null;
  last_url: string | null;
  landing_ref: string | null;
  landing_utm: string | null;
};

export const SEGMENT_COUNT_NOTE =
  "page tests use each visitor's latest page, referrer and utm tests their first touch; device and geo are not stored for analytics and never match";

function history(sql: SqlStorage, visitor: string): EventHistory {
  return {
    count: (name, since) =>
      Number(
        (since === null
          ? sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE name = ? AND visitor = ?', name, visitor)
          : sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE name = ? AND visitor = ? AND ts >= ?', name, visitor, since)
        ).one().n,
      ),
    last: (name) => sql.exec<{ t: number | null }>('SELECT MAX(ts) AS t FROM events WHERE name = ? AND visitor = ?', name, visitor).one().t,
    timesAfter: (ts) =>
      sql
        .exec<{ t: number }>('SELECT ts AS t FROM events WHERE visitor = ? AND ts > ? ORDER BY ts LIMIT 1000', visitor, ts)
        .toArray()
        .map((r) => Number(r.t)),
  };
}

/**
 * Evaluates `condition` for this shard's first SEGMENT_COUNT_SAMPLE visitors by id (all of them
 * below that): the merge (merge.ts `segmentCountReport`) keeps the first SEGMENT_COUNT_SAMPLE ids
 * over all shards. Ids are random, so that is a uniform sample, and the same one every time
 * (counts do not jitter while a marketer edits).
 */
export function segmentCountPart(sql: SqlStorage, condition: Condition, now: number): SegmentPart {
  const total = Number(sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM visitors').one().n);
  const rows = sql
    .exec<Row>('SELECT id, user_id, traits, prefs, consent, last_url, landing_ref, landing_utm FROM visitors ORDER BY id LIMIT ?', SEGMENT_COUNT_SAMPLE)
    .toArray();
  let matched = '';
  for (const row of rows) {
    const facts: Facts = {
      now,
      // All four JSON columns are written by the store from validated events.
      traits: JSON.parse(row.traits) as Record<string, PropValue>,
      prefs: JSON.parse(row.prefs) as Record<string, PrefValue>,
      consent: row.consent ? (JSON.parse(row.consent) as ConsentState) : null,
      userId: row.user_id,
      // Only `visitor: new|returning` tests read this: computed when asked.
      get returning() {
        return Number(sql.exec<{ n: number }>('SELECT COUNT(DISTINCT session) AS n FROM events WHERE visitor = ?', row.id).one().n) > 1;
      },
      history: history(sql, row.id),
      request: {
        ...(row.last_url ? { url: row.last_url } : {}),
        ...(row.landing_ref ? { referrer: row.landing_ref } : {}),
        ...(row.landing_utm ? { utm: JSON.parse(row.landing_utm) as Utm } : {}),
      },
    };
    matched += evaluate(condition, facts).matched ? '1' : '0';
  }
  return { total, ids: rows.map((r) => r.id), matched };
}
