/** POST /_wm/e: a batch of events from the snippet (or any server-side sender). Storing it: usecases/collect.ts. */
import { Hono, type Context } from 'hono';
import type { ErrorResponse } from '../../../protocol/wire';
import { botsStoreNothing } from '../bots/filter';
import type { AppEnv } from '../http/app-env';
import { batchBody } from '../http/middleware/batch';
import { cacheControl } from '../http/middleware/cache-control';
import { batchConsent } from '../http/middleware/consent';
import { allowedOrigin } from '../http/middleware/origin';
import { siteFromBatch } from '../http/middleware/site';
import { batchVisitor } from '../http/middleware/visitor';
import { forgetOptOut, rememberOptOut, writeVisitorCookie } from '../http/visitor-cookie';
import { decisionContext } from '../personalize/decide-request';
import { collectBatch, type CollectOutcome } from '../usecases/collect';
import { qaCollect } from '../qa/middleware';

export const collect = new Hono<AppEnv>();

collect.post('/e', batchBody, siteFromBatch, allowedOrigin, cacheControl('no-store'), botsStoreNothing, qaCollect, batchConsent, batchVisitor, async (c) => {
  const { site, consent } = c.var;
  const contextFor = (page: Parameters<typeof decisionContext>[2]) => decisionContext(c, site, page, consent);
  const waitUntil = (work: Promise<unknown>) => c.executionCtx.waitUntil(work);
  return answer(c, await collectBatch({ env: c.env, ...c.var, clientIp: c.req.header('cf-connecting-ip'), contextFor, waitUntil }));
});

function answer(c: Context, outcome: CollectOutcome): Response {
  if (outcome.kind === 'rate-limited') {
    // 429 with Retry-After: the snippet keeps the batch in its outbox and resends it with backoff.
    c.header('Retry-After', String(outcome.retryAfterSeconds));
    if (c.req.header('origin')) c.header('Access-Control-Expose-Headers', 'Retry-After');
    return c.json({ error: `rate limited: ${outcome.reason}; retry in ${outcome.retryAfterSeconds} s` } satisfies ErrorResponse, 429);
  }
  if (outcome.kind === 'not-stored' && outcome.declined) rememberOptOut(c);
  if (outcome.kind === 'stored') {
    writeVisitorCookie(c, outcome.body.vid);
    if (outcome.consented) forgetOptOut(c);
  }
  return c.json(outcome.body);
}
