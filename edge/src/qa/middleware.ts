/**
 * Where QA sessions meet the edge's public paths (docs/preview-and-qa.md). Each step costs a
 * normal visitor nothing but a look at strings they already sent: no token, no lookup.
 *
 * - POST /_wm/e (`qaCollect`): a batch from a QA session is acknowledged and NOTHING is stored
 *   (no profile, event, analytics row, webhook or journey step); the answer carries the forced
 *   decisions and, as `vid`, the QA token, which the snippet then sends with every later batch and
 *   decide request of that browser (until Exit preview clears it, or it expires and the edge gives
 *   it a normal visitor id). Any other batch loses the `wm_qa` parameter from its URLs, so the
 *   parameter never reaches analytics.
 * - GET /_wm/decide (`qaDecide`): a QA session gets its forced decisions and `qa.describe` (the
 *   badge's words).
 */
import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import { QA_COOKIE, QA_PARAM, type QaAnswer } from '../../../protocol/qa';
import type { Decision, QaCollectResponse, WireEvent } from '../../../protocol/wire';
import type { EnvWith } from '../http/app-env';
import { bearerToken } from '../http/visitor-cookie';
import { openQaSession, qaTokenAmong, sessionDecisions } from './session';
import { qaParamOf, withoutQaParam } from './token';

/** Body of GET /_wm/decide in a QA session. */
export type QaDecideResponse = { decisions: Decision[]; qa: QaAnswer };

export const qaCollect = createMiddleware<EnvWith<'site' | 'batch'>>(async (c, next) => {
  const { batch, site } = c.var;
  const fromUrls = batch.events.map((e) => qaParamOf(e.url, QA_PARAM));
  const token = qaTokenAmong([getCookie(c, QA_COOKIE), batch.vid, ...fromUrls]);
  const session = await openQaSession(c.env, site, token);
  if (!session) {
    if (fromUrls.some((t) => t !== null) || batch.events.some((e) => e.ref?.includes(`${QA_PARAM}=`)))
      c.set('batch', { ...batch, events: batch.events.map(cleanUrls) });
    return next();
  }
  const page = batch.events.findLast((e) => e.type === 'page') ?? batch.events[batch.events.length - 1];
  const decisions = await sessionDecisions(c.env, session, page ? (withoutQaParam(page.url, QA_PARAM) ?? page.url) : undefined);
  const body: QaCollectResponse = {
    vid: session.token,
    accepted: [],
    duplicates: [],
    rejected: batch.rejected,
    notStored: 'preview',
    decisions: [...decisions, { kind: 'qa', describe: session.describe }],
  };
  return c.json(body);
});

function cleanUrls(event: WireEvent): WireEvent {
  const url = withoutQaParam(event.url, QA_PARAM);
  const ref = withoutQaParam(event.ref, QA_PARAM);
  return { ...event, ...(url ? { url } : {}), ...(ref ? { ref } : {}) };
}

export const qaDecide = createMiddleware<EnvWith<'site'>>(async (c, next) => {
  const pageUrl = c.req.query('url');
  const token = qaTokenAmong([bearerToken(c), getCookie(c, QA_COOKIE), qaParamOf(pageUrl, QA_PARAM)]);
  const session = await openQaSession(c.env, c.var.site, token);
  if (!session) return next();
  const decisions = await sessionDecisions(c.env, session, withoutQaParam(pageUrl, QA_PARAM) ?? pageUrl);
  return c.json({ decisions, qa: { describe: session.describe } } satisfies QaDecideResponse);
});
