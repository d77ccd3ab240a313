/** POST /_wm/e: a batch of events from the snippet (or any server-side sender). */
import { Hono } from 'hono';
import { MAX_BODY_BYTES } from '../../../protocol/limits';
import type { CollectResponse, ErrorResponse, WireEvent } from '../../../protocol/wire';
import { explicitConsent, gpcFromHeader, storageVerdict } from '../consent/policy';
import { newVisitorId, signVisitorToken, verifyVisitorToken } from '../identity/token';
import { checkIdentifies, identifyKey } from '../identity/signed';
import { parseBatch } from '../ingest/batch';
import { assertJsonLikeContentType, readBodyText } from '../http/body';
import { HttpError } from '../http/errors';
import { checkOrigin, isDemo, loadSite, visitorSecret, type AppContext, type AppEnv } from '../http/site-context';
import { forgetOptOut, readVisitorCookie, rememberOptOut, writeVisitorCookie } from '../http/visitor-cookie';
import { decisionContext, type PageFacts } from '../personalize/decide-request';
import type { IngestResult, RateLimited } from '../profile/visitor-profile';
import { visitorStub } from '../profile/stub';
import { analyticsEvents } from '../analytics/queue';
import { ipLimited, NEW_VISITORS_PER_IP, VISITOR_BATCHES } from '../ratelimit/limits';

export const collect = new Hono<AppEnv>();

/** 429 with Retry-After: the snippet keeps the batch in its outbox and resends it with backoff. */
function tooMany(c: AppContext, retryAfterSeconds: number, why: string) {
  c.header('Retry-After', String(retryAfterSeconds));
  if (c.req.header('origin')) c.header('Access-Control-Expose-Headers', 'Retry-After');
  return c.json({ error: `rate limited: ${why}; retry in ${retryAfterSeconds} s` } satisfies ErrorResponse, 429);
}

const limitedBy = (r: IngestResult | RateLimited | null): r is RateLimited => r !== null && 'rateLimited' in r;

/** The page the batch was sent from: its latest page view, else its latest event's URL. */
function pageOf(events: readonly WireEvent[]): PageFacts {
  const page = events.findLast((e) => e.type === 'page');
  if (page) return { url: page.url, referrer: page.ref, utm: page.utm };
  return { url: events[events.length - 1]?.url };
}

collect.post('/e', async (c) => {
  assertJsonLikeContentType(c.req.header('content-type'));
  const parsed = parseBatch(await readBodyText(c.req.raw, MAX_BODY_BYTES));
  if (!parsed.ok) {
    const { error, ...details } = parsed;
    throw new HttpError(400, error, { issues: details.issues, rejected: details.rejected });
  }
  const batch = parsed.batch;
  const site = await loadSite(c, batch.site);
  checkOrigin(c, site);
  c.header('Cache-Control', 'no-store');
  if (batch.events.some((e) => e.type === 'identify')) {
    // Signed identify (identity/signed.ts): a verified user id loses its signature before anything
    // sees it; on a site that requires signatures an unsigned or forged identify joins `rejected`.
    const key = await identifyKey(visitorSecret(c.env), site.id);
    const checked = await checkIdentifies(batch.events, batch.rejected, { key, site: site.id, required: site.identity?.requireSignedUserId === true });
    if (checked.events.length === 0) throw new HttpError(400, 'every event in the batch was rejected', { rejected: checked.rejected });
    batch.events = checked.events;
    batch.rejected = checked.rejected;
  }

  const explicit = explicitConsent(batch.events, batch.consent);
  const verdict = storageVerdict(site.consentPolicy, gpcFromHeader(c.req.header('sec-gpc')), explicit);
  if (!verdict.store) {
    // Nothing is stored and no Durable Object is touched; a visitor who declined is also forgotten here.
    if (verdict.basis === 'explicit-denial') rememberOptOut(c);
    const body: CollectResponse = { accepted: [], duplicates: [], rejected: batch.rejected, notStored: 'consent', decisions: [] };
    return c.json(body);
  }

  const secret = visitorSecret(c.env);
  // The cookie wins over the payload token; a forged or foreign token just gets a fresh profile.
  const known = (await verifyVisitorToken(secret, site.id, readVisitorCookie(c))) ?? (await verifyVisitorToken(secret, site.id, batch.vid));
  // A new visitor means a new Durable Object: limit how many one client address may create.
  const ip = c.req.header('cf-connecting-ip');
  if (!known && ipLimited(ip) && !(await c.env.NEW_VISITOR_LIMIT.limit({ key: ip })).success) {
    const { limit, periodSeconds } = NEW_VISITORS_PER_IP;
    return tooMany(c, periodSeconds, `more than ${limit} new visitors from one address in ${periodSeconds} s`);
  }
  let visitorId = known ?? newVisitorId();
  const receivedAt = Date.now();
  const context = decisionContext(c, site, pageOf(batch.events), explicit);
  let result = await visitorStub(c.env, site.id, visitorId).ingest(site.id, visitorId, batch.events, receivedAt, context);
  if (limitedBy(result)) {
    const { capacity, refillPerSecond } = VISITOR_BATCHES;
    return tooMany(c, result.rateLimited.retryAfterSeconds, `more than ${capacity} batches in a burst or ${refillPerSecond} per second from one visitor`);
  }
  if (!result) {
    // That profile was erased: the browser still held its token. Start a new, unrelated one.
    visitorId = newVisitorId();
    result = await visitorStub(c.env, site.id, visitorId).ingest(site.id, visitorId, batch.events, receivedAt, context);
    if (!result || limitedBy(result)) throw new Error('a brand-new visitor profile reported itself erased or full');
  }
  const token = await signVisitorToken(secret, site.id, visitorId);
  writeVisitorCookie(c, token);
  if (verdict.basis === 'explicit') forgetOptOut(c);
  if (isDemo(c.env)) {
    // Local development: show each stored batch in the terminal so a newcomer sees events arrive.
    const kinds = batch.events.map((e) => (e.type === 'track' ? e.name : e.type)).join(', ');
    console.log(
      `[waymark] ${site.id} visitor ${visitorId.slice(0, 8)}: ${result.accepted.length} stored (${kinds}), ` +
        `${result.duplicates.length} duplicate, ${batch.rejected.length} rejected`,
    );
  }
  // Journey analytics: the events stored now (so consent and dedupe already applied), queued off
  // the response's path. The profile is the system of record; a failed send is logged and those
  // events are missing from reports only (docs/ANALYTICS.md, "Guarantees").
  const { analytics, ...stored } = result;
  if (stored.accepted.length > 0) {
    const ids = new Set(stored.accepted);
    const message = analyticsEvents(
      site.id,
      visitorId,
      receivedAt,
      batch.events.filter((e) => ids.has(e.id)),
      analytics ?? null,
    );
    c.executionCtx.waitUntil(c.env.ANALYTICS_QUEUE.send(message).catch((err: unknown) => console.error('analytics: queue send failed', err)));
  }
  const body: CollectResponse = { vid: token, ...stored, rejected: batch.rejected };
  return c.json(body);
});
