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

/** One stored visitor's facts for the rules engine (see the file comment for what is and is not here). */
function visitorFacts(sql: SqlStorage, row: Row, now: number): Facts {
  return {
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
}

const ROW_COLUMNS = 'id, user_id, traits, prefs, consent, last_url, landing_ref, landing_utm';

/**
 * Evaluates `condition` for this shard's first SEGMENT_COUNT_SAMPLE visitors by id (all of them
 * below that): the merge (merge.ts `segmentCountReport`) keeps the first SEGMENT_COUNT_SAMPLE ids
 * over all shards. Ids are random, so that is a uniform sample, and the same one every time
 * (counts do not jitter while a marketer edits).
 */
export function segmentCountPart(sql: SqlStorage, condition: Condition, now: number): SegmentPart {
  const total = Number(sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM visitors').one().n);
  const rows = sql.exec<Row>(`SELECT ${ROW_COLUMNS} FROM visitors ORDER BY id LIMIT ?`, SEGMENT_COUNT_SAMPLE).toArray();
  let matched = '';
  for (const row of rows) matched += evaluate(condition, visitorFacts(sql, row, now)).matched ? '1' : '0';
  return { total, ids: rows.map((r) => r.id), matched };
}

/** One page of a segment's members on one shard (audiences/export.ts): identified ones listed, anonymous ones counted. */
export type MembersPart = {
  /** Traits as JSON text: RPC's structural typing of the recursive PropValue is too deep for tsc. */
  members: { userId: string; traits: string }[];
  anonymous: number;
  /** Visitors evaluated (at most the limit). */
  scanned: number;
  /** The last visitor id evaluated: the next page starts after it; null when this shard has no more. */
  last: string | null;
};

/**
 * Audience export (edge/src/audiences/): evaluates `condition` for at most `limit` visitors of this
 * shard after visitor id `after`, in id order (a stable cursor: the primary key), with the same
 * facts as the count above. `traits`: the trait names each identified member carries (absent ones left out).
 */
export function segmentMembersPart(
  sql: SqlStorage,
  condition: Condition,
  now: number,
  after: string | null,
  limit: number,
  traits: readonly string[],
): MembersPart {
  const rows = sql.exec<Row>(`SELECT ${ROW_COLUMNS} FROM visitors WHERE id > ? ORDER BY id LIMIT ?`, after ?? '', limit).toArray();
  const part: MembersPart = { members: [], anonymous: 0, scanned: rows.length, last: rows.length === limit ? rows[rows.length - 1]!.id : null };
  for (const row of rows) {
    const facts = visitorFacts(sql, row, now);
    if (!evaluate(condition, facts).matched) continue;
    if (row.user_id === null) {
      part.anonymous++;
      continue;
    }
    const picked: Record<string, PropValue> = {};
    for (const name of traits) if (name in facts.traits) picked[name] = facts.traits[name]!;
    part.members.push({ userId: row.user_id, traits: JSON.stringify(picked) });
  }
  return part;
}
