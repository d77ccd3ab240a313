/**
 * The bot filter at the edge's public paths (docs/bots.md). `requestBot` decides once per request
 * (bots.ts, remembered per Request object) and every path reads that one verdict:
 *
 * - POST /_wm/e (`botsStoreNothing`): 200 with nothing stored and no cookie, shaped like a batch
 *   declined for consent (`notStored: 'bot'`), so a crawler's snippet drops the batch instead of
 *   retrying it forever;
 * - GET /_wm/decide (`botsGetNoDecisions`): no decisions (the page keeps its default content);
 * - proxy mode (usecases/proxy-page.ts): the origin's page as it came, without personalization,
 *   snippet or messages.
 *
 * Each filtered request is counted for the site's daily count on the overview: one message on
 * the analytics queue, sent after the answer (no Durable Object is touched on the request's path;
 * the consumer writes the counts in batches, analytics/events-store.ts).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { CollectResponse } from '../../../protocol/wire';
import { analyticsBots } from '../analytics/queue';
import type { EnvWith } from '../http/app-env';
import { botVerdict, type BotVerdict } from './bots';

const verdicts = new WeakMap<Request, BotVerdict>();

/** The request's bot verdict, decided on first use and remembered for the rest of the request. */
export function requestBot(request: Request): BotVerdict {
  let verdict = verdicts.get(request);
  if (!verdict) {
    verdict = botVerdict(request.headers.get('user-agent'), request.cf);
    verdicts.set(request, verdict);
  }
  return verdict;
}

/** Counts one filtered request for `site`, off the response's path; a failed send is logged, never an error for the bot. */
export function countFilteredBot(env: Env, site: string, waitUntil: (work: Promise<unknown>) => void, now = Date.now()): void {
  waitUntil(env.ANALYTICS_QUEUE.send(analyticsBots(site, now)).catch((err: unknown) => console.error('bots: count send failed', err)));
}

function countIn(c: Pick<Context<EnvWith<'site'>>, 'env' | 'var' | 'executionCtx'>): void {
  countFilteredBot(c.env, c.var.site.id, (work) => c.executionCtx.waitUntil(work));
}

/** POST /_wm/e, after the site and origin checks: a bot's batch is acknowledged and nothing is stored. */
export const botsStoreNothing = createMiddleware<EnvWith<'site' | 'batch'>>(async (c, next) => {
  if (!requestBot(c.req.raw).bot) return next();
  countIn(c);
  const body: CollectResponse = { accepted: [], duplicates: [], rejected: c.var.batch.rejected, notStored: 'bot', decisions: [] };
  return c.json(body);
});

/** GET /_wm/decide, after the site and origin checks: a bot gets no decisions, and no profile is read. */
export const botsGetNoDecisions = createMiddleware<EnvWith<'site'>>(async (c, next) => {
  if (!requestBot(c.req.raw).bot) return next();
  countIn(c);
  return c.json({ decisions: [] });
});
