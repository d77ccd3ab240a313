/**
 * Identity stitching, the pure part: which user a batch claims, where that user's golden record
 * lives, the link a browser's profile keeps to it, and the history a profile hands over when it
 * merges. The visitor object stores it (profile/identity.ts, tables in profile/store/); the rules are here.
 *
 * Model: every browser keeps its own signed visitor id and its own small Durable Object. The
 * first batch that says `identify(userId)` moves that profile's history into the user's golden
 * record (one Durable Object per site and user id) and leaves behind only a link; from then on the
 * browser's calls (ingest, decide, export, erase) are forwarded there. A second device that
 * identifies as the same user does the same, so both read and write one profile.
 */
import { z } from 'zod';
import type { WireEvent } from '../../../protocol/wire';
import type { StateRow } from '../profile/store/journey-tables';

/**
 * The Durable Object name of a user's golden record. Visitor profiles are named
 * `${site}:${visitorId}` with a 22-character base64url id, which never contains ':', so the two
 * name spaces cannot meet whatever the user id is.
 */
export function goldenRecordName(site: string, userId: string): string {
  return `${site}:user:${userId}`;
}

/**
 * The user a batch identifies as: its last identify or alias event in batch order (the profile
 * applies events in that order, so the last one is also the user id it ends up with), or null.
 *
 * An alias counts as an identify of this browser as its `userId`; its `previousId` is never a
 * claim. The rule that keeps a browser out of other people's profiles: a browser only ever links
 * ITSELF to the user it names (and on a site that requires signed ids only with that user's
 * signature, identity/signed.ts), so naming someone else's id as `previousId` merges nothing.
 * Merging a previous identity into a user is for the site's server (HTTP Tracking API, segment/).
 */
export function claimedUser(events: readonly WireEvent[]): string | null {
  const last = events.findLast((e) => e.type === 'identify' || e.type === 'alias');
  return last?.type === 'identify' || last?.type === 'alias' ? last.userId : null;
}

/**
 * What a linked browser profile keeps: the golden record's Durable Object id (hex, not the user
 * id: an orphaned link holds no personal data) and the record's generation. An erased record
 * that is identified again starts a new generation, so a link made before the erase can never
 * reach the new record's data.
 */
export const linkSchema = z.strictObject({
  record: z.string().regex(/^[0-9a-f]{64}$/),
  generation: z.string().min(1).max(64),
});
export type Link = z.infer<typeof linkSchema>;

/** The stored link, or null when there is none or it is unreadable (then the browser is unlinked). */
export function parseLink(raw: string | undefined): Link | null {
  if (!raw) return null;
  try {
    const parsed = linkSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Whether a batch must (re)link the browser before its events are stored: it claims a user and
 * the browser is not linked to that user's record yet. A browser linked to one user that
 * identifies as another (a shared computer, a second account) is re-pointed to the new user from
 * this batch on; what was already merged stays with the first user.
 */
export function needsLink(current: Link | null, claimedRecord: string | null): boolean {
  return claimedRecord !== null && current?.record !== claimedRecord;
}

/** Rows a profile hands to the golden record, as its tables hold them. */
export type HandoverEvent = { id: string; type: string; name: string | null; ts: number; received_at: number; session_id: string; body: string };
export type HandoverKeyValue = { key: string; value: string; updated_at: number };
export type HandoverExposure = { message: string; variant: string; at: number; converted_at: number | null; conversion_event: string | null };

/** A browser profile's whole history, moved once into the golden record when it first identifies. */
export type Handover = {
  visitorId: string;
  firstSeen: number | null;
  lastSeen: number | null;
  events: HandoverEvent[];
  traits: HandoverKeyValue[];
  prefs: HandoverKeyValue[];
  consent: { analytics: number; personalization: number; updated_at: number } | null;
  segments: { id: string; entered_at: number }[];
  segmentLog: { segment: string; change: 'enter' | 'exit'; at: number }[];
  exposures: HandoverExposure[];
  /**
   * Journeys (profile/store/journey-tables.ts). Optional: a handover made by an older version of the
   * code (objects of two versions can meet during a deploy) carries none.
   */
  journeys?: HandoverJourney[];
  journeyLog?: { journey: string; step: string | null; at: number; what: string }[];
  grants?: { message: string; journey: string; step: string; at: number }[];
  deliveries?: HandoverDelivery[];
  attempts?: HandoverAttempt[];
};

export type HandoverJourney = StateRow;
export type HandoverDelivery = {
  id: string;
  webhook: string;
  journey: string;
  step: string;
  event: string;
  created_at: number;
  attempts: number;
  next_at: number | null;
  status: string;
  last_error: string | null;
};
export type HandoverAttempt = {
  delivery: string;
  attempt: number;
  at: number;
  outcome: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
};

/**
 * Whether a browser's journey state replaces the golden record's for the same journey. A journey
 * already active in the golden record wins, and so does any record of a journey the browser is
 * not running. A browser's active run wins over a run the golden record has ended only if it
 * started after that ended: the same handover applied again (its run already moved and ended
 * since) changes nothing.
 */
export function browserJourneyWins(
  golden: Pick<HandoverJourney, 'status' | 'ended_at' | 'step_since'> | null,
  browser: Pick<HandoverJourney, 'status' | 'entered_at'>,
): boolean {
  if (golden === null) return true;
  if (golden.status === 'active' || browser.status !== 'active') return false;
  return browser.entered_at > (golden.ended_at ?? golden.step_since);
}

/** The golden record's first and last seen after a merge: the earliest and latest of both. */
export function mergedSpan(
  record: { firstSeen: number | null; lastSeen: number | null },
  incoming: { firstSeen: number | null; lastSeen: number | null },
): { firstSeen: number | null; lastSeen: number | null } {
  const pick = (a: number | null, b: number | null, f: (x: number, y: number) => number) => (a === null ? b : b === null ? a : f(a, b));
  return { firstSeen: pick(record.firstSeen, incoming.firstSeen, Math.min), lastSeen: pick(record.lastSeen, incoming.lastSeen, Math.max) };
}

/**
 * How a linked browser id is shown in an export: its first 8 characters. Enough for the person to
 * tell their devices apart; never a token (the signature is not stored at all) nor a whole id.
 */
export function linkedVisitorLabel(visitorId: string): string {
  return visitorId.slice(0, 8);
}
