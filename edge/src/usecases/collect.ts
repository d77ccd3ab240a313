/**
 * Storing a batch (POST /_wm/e), once the middleware have parsed it, loaded its site, checked the
 * origin, decided consent and resolved the visitor: signed identifies, the new-visitor limit per
 * address, the visitor's Durable Object (with a fresh profile when the old one was erased), the
 * demo log and the analytics queue. What it answers is an outcome; routes/collect.ts makes it HTTP.
 */
import type { SiteConfig } from '../../../protocol/config/site';
import type { CollectResponse, WireEvent } from '../../../protocol/wire';
import type { ResolvedVisitor } from '../http/app-env';
import { HttpError } from '../http/errors';
import { isDemo, visitorSecret } from '../http/site-context';
import type { RequestConsent } from '../consent/policy';
import { checkIdentifies, identifyKey } from '../identity/signed';
import { newVisitorId, resetVisitorId, signVisitorToken } from '../identity/token';
import type { ParsedBatch } from '../ingest/batch';
import type { PageFacts } from '../personalize/decide-request';
import type { DecisionContext, IngestResult, RateLimited } from '../profile/visitor-profile';
import { visitorStub } from '../profile/stub';
import { analyticsEvents } from '../analytics/queue';
import { ipLimited, NEW_VISITORS_PER_IP, VISITOR_BATCHES } from '../ratelimit/limits';
import { ThrottledLog } from './demo-log';

export type CollectInput = {
  env: Env;
  site: SiteConfig;
  batch: ParsedBatch;
  consent: RequestConsent;
  visitor: ResolvedVisitor;
  /** CF-Connecting-IP: the address a new visitor is counted against. */
  clientIp: string | undefined;
  /** The decision context for the page the batch was sent from (personalize/decide-request.ts). */
  contextFor: (page: PageFacts) => DecisionContext;
  /** Work that may finish after the response (ExecutionContext.waitUntil). */
  waitUntil: (work: Promise<unknown>) => void;
};

export type CollectOutcome =
  | { kind: 'not-stored'; body: CollectResponse; declined: boolean }
  | { kind: 'rate-limited'; retryAfterSeconds: number; reason: string }
  | { kind: 'stored'; body: CollectResponse & { vid: string }; consented: boolean };

const limitedBy = (r: IngestResult | RateLimited | null): r is RateLimited => r !== null && 'rateLimited' in r;

/** The page the batch was sent from: its latest page view, else its latest event's URL. */
export function pageOf(events: readonly WireEvent[]): PageFacts {
  const page = events.findLast((e) => e.type === 'page');
  if (page) return { url: page.url, referrer: page.ref, utm: page.utm };
  return { url: events[events.length - 1]?.url };
}

/**
 * Signed identify (identity/signed.ts): a verified user id loses its signature before anything
 * sees it; on a site that requires signatures an unsigned or forged identify joins `rejected`.
 */
async function withCheckedIdentifies(env: Env, site: SiteConfig, batch: ParsedBatch): Promise<ParsedBatch> {
  if (!batch.events.some((e) => e.type === 'identify' || e.type === 'alias')) return batch;
  const key = await identifyKey(visitorSecret(env), site.id);
  const checked = await checkIdentifies(batch.events, batch.rejected, { key, site: site.id, required: site.identity?.requireSignedUserId === true });
  if (checked.events.length === 0) throw new HttpError(400, 'every event in the batch was rejected', { rejected: checked.rejected });
  return { ...batch, ...checked };
}

export async function collectBatch(input: CollectInput): Promise<CollectOutcome> {
  const { env, site, consent } = input;
  const batch = await withCheckedIdentifies(env, site, input.batch);
  if (!consent.store) {
    // Nothing is stored and no Durable Object is touched; a visitor who declined is also forgotten.
    const body: CollectResponse = { accepted: [], duplicates: [], rejected: batch.rejected, notStored: 'consent', decisions: [] };
    return { kind: 'not-stored', body, declined: consent.basis === 'explicit-denial' };
  }
  // wm('reset') (sign-out on a shared device): this batch and the ones after it belong to a new
  // anonymous visitor, unlinked from whoever signed in before, whatever token or cookie came with
  // it. Events queued before the reset came in earlier batches (the snippet never mixes them).
  const known = batch.reset ? await resetVisitorId(visitorSecret(env), site.id, batch.reset) : input.visitor.id;
  // A new visitor means a new Durable Object: limit how many one client address may create.
  const ip = input.clientIp;
  if ((!input.visitor.id || batch.reset) && ipLimited(ip) && !(await env.NEW_VISITOR_LIMIT.limit({ key: ip })).success) {
    const { limit, periodSeconds } = NEW_VISITORS_PER_IP;
    return { kind: 'rate-limited', retryAfterSeconds: periodSeconds, reason: `more than ${limit} new visitors from one address in ${periodSeconds} s` };
  }
  let visitorId = known ?? newVisitorId();
  const receivedAt = Date.now();
  const context = input.contextFor(pageOf(batch.events));
  let result = await visitorStub(env, site.id, visitorId).ingest(site.id, visitorId, batch.events, receivedAt, context);
  if (limitedBy(result)) {
    const { capacity, refillPerSecond } = VISITOR_BATCHES;
    const reason = `more than ${capacity} batches in a burst or ${refillPerSecond} per second from one visitor`;
    return { kind: 'rate-limited', retryAfterSeconds: result.rateLimited.retryAfterSeconds, reason };
  }
  if (!result) {
    // That profile was erased: the browser still held its token. Start a new, unrelated one.
    visitorId = newVisitorId();
    result = await visitorStub(env, site.id, visitorId).ingest(site.id, visitorId, batch.events, receivedAt, context);
    if (!result || limitedBy(result)) throw new Error('a brand-new visitor profile reported itself erased or full');
  }
  const token = await signVisitorToken(visitorSecret(env), site.id, visitorId);
  const { analytics, ...stored } = result;
  if (isDemo(env)) logStored(site.id, visitorId, batch, stored);
  // Journey analytics: the events stored now (so consent and dedupe already applied), queued off
  // the response's path. The profile is the system of record; a failed send is logged and those
  // events are missing from reports only (docs/analytics-and-scale.md, "Guarantees").
  if (stored.accepted.length > 0) {
    const ids = new Set(stored.accepted);
    const message = analyticsEvents(
      site.id,
      visitorId,
      receivedAt,
      batch.events.filter((e) => ids.has(e.id)),
      analytics ?? null,
      // Reported once: a resent batch stores nothing new and never gets here.
      batch.dropped,
      // Destinations that require personalization consent read it (destinations/forward.ts).
      { personalization: consent.personalize },
    );
    input.waitUntil(env.ANALYTICS_QUEUE.send(message).catch((err: unknown) => console.error('analytics: queue send failed', err)));
  }
  return { kind: 'stored', body: { vid: token, ...stored, rejected: batch.rejected }, consented: consent.basis === 'explicit' };
}

/** Local development: the stored batches in the terminal (at most 5 lines a second), so a newcomer sees events arrive. */
const demoLog = new ThrottledLog((line) => console.log(line));

function logStored(site: string, visitorId: string, batch: ParsedBatch, stored: Pick<IngestResult, 'accepted' | 'duplicates'>): void {
  demoLog.line(() => {
    const kinds = batch.events.map((e) => (e.type === 'track' ? e.name : e.type)).join(', ');
    return (
      `[waymark] ${site} visitor ${visitorId.slice(0, 8)}: ${stored.accepted.length} stored (${kinds}), ` +
      `${stored.duplicates.length} duplicate, ${batch.rejected.length} rejected`
    );
  });
}
