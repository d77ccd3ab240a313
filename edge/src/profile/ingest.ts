/**
 * Storing a batch in this profile, in one visible order: the rate limit, the events (each id
 * once) with what they set, journeys on the stored events, decisions (segments are evaluated on
 * every batch, so entry and exit are known the moment they happen), journeys on the segment
 * entries, then the alarm for journeys and inactivity waits.
 */
import type { WireEvent } from '../../../protocol/wire';
import type { SiteConfig } from '../../../protocol/config/site';
import { take } from '../ratelimit/bucket';
import { VISITOR_BATCHES } from '../ratelimit/limits';
import type { DecisionContext, IngestResult, ProfileHost, RateLimited } from './context';
import { decideNow, recordConversion } from './decisions';
import { eventName, scheduleInactivity, scheduleJourneys } from './alarms';
import { rememberConfig } from './site-config';
import { serverMayStore } from '../segment/consent';
import { TIME_ZONE_KEY } from './store/meta-keys';

/**
 * Takes one token from the visitor's batch bucket at `now` (the route's receive time), or says
 * when to retry. Persisted in `meta` in the same synchronous block as the batch it admits, so an
 * evicted or restarted object keeps its bucket; the object is single-threaded, so it is exact.
 */
export function admitBatch(host: ProfileHost, now: number): RateLimited | null {
  const verdict = take(VISITOR_BATCHES, host.store.bucket(), now);
  if (!verdict.allowed) return { rateLimited: { retryAfterSeconds: verdict.retryAfterSeconds } };
  host.store.saveBucket(verdict.state);
  return null;
}

/** Stored events as journey triggers; a message impression names its message (grants are used up). */
function journeyEvents(events: readonly WireEvent[], receivedAt: number): { name: string; at: number; message?: string }[] {
  return events.map((e) => {
    const message = e.type === 'track' ? e.props?.message : undefined;
    return { name: eventName(e), at: Math.min(e.ts, receivedAt), ...(typeof message === 'string' ? { message } : {}) };
  });
}

function withSessionUtm(store: ProfileHost['store'], event: WireEvent): WireEvent {
  if (event.type !== 'page' || event.utm) return event;
  const utm = store.sessionUtm(event.sid);
  return utm ? { ...event, utm } : event;
}

/** Appends events, each id once, and applies identify / prefs / consent of the newly stored ones. */
export async function ingestHere(
  host: ProfileHost,
  config: SiteConfig,
  site: string,
  visitorId: string,
  events: WireEvent[],
  receivedAt: number,
  context: DecisionContext,
): Promise<IngestResult> {
  const { store } = host;
  // Server events (Segment HTTP API) never override the visitor's stored choice (segment/consent.ts).
  if (context.server && !serverMayStore(context.server, store.consent())) return { accepted: [], duplicates: [], decisions: [], notStored: 'consent' };
  const accepted: string[] = [];
  const duplicates: string[] = [];
  // One synchronous block: the runtime commits it as one transaction.
  store.setMeta('site', site, true);
  store.setMeta('visitor_id', visitorId, true);
  store.setMeta('first_seen', String(receivedAt), true);
  store.setMeta('last_seen', String(receivedAt));
  rememberConfig(store, context.config);
  // Best time (journeys/best-time.ts): the zone the visitor's hours are read in, the latest one seen.
  // A server call's zone is its server's, not the visitor's.
  if (context.timeZone && !context.server) store.setMeta(TIME_ZONE_KEY, context.timeZone);
  for (const [i, original] of events.entries()) {
    // A later page view of a session carries the session's landing UTM, as the snippet's own
    // session did before the edge took this over (ingest/context.ts).
    const event = withSessionUtm(store, original);
    events[i] = event;
    if (!store.insertEvent(event, receivedAt)) {
      duplicates.push(event.id);
      continue;
    }
    accepted.push(event.id);
    store.applyEvent(event);
    if (event.type === 'track') recordConversion(store, event, config.messages, config.slots);
  }
  const stored = events.filter((e) => accepted.includes(e.id));
  // The page the batch was sent from decides with its session's UTM too (usecases/collect.ts `pageOf`).
  const lastPage = events.findLast((e) => e.type === 'page');
  if (!context.request.utm && lastPage?.utm) context = { ...context, request: { ...context.request, utm: lastPage.utm } };
  // Journeys advance on the stored events first, so a message step shows on this very response.
  host.journeys.onEvents(config.journeys, journeyEvents(stored, receivedAt));
  const decisions = decideNow(host, config, context);
  host.journeys.onSegmentEntries(config.journeys);
  await scheduleJourneys(host);
  await scheduleInactivity(host, config.segments, stored);
  const userId = store.userId();
  // The user id rides along for destinations (destinations/hand-off.ts); reports ignore it.
  return { accepted, duplicates, decisions, analytics: { segments: store.segmentIds(), exposures: store.exposures(), ...(userId ? { userId } : {}) } };
}
