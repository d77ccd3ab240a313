/** Everything outside /_wm/ that reaches the worker: proxy mode, or the static files (usecases/proxy-page.ts). */
import type { Context, Next } from 'hono';
import { countFilteredBot, requestBot } from '../bots/filter';
import { gpcFromHeader } from '../consent/policy';
import type { AppEnv } from '../http/app-env';
import { readVisitorCookie } from '../http/visitor-cookie';
import { getCookie } from 'hono/cookie';
import { QA_COOKIE } from '../../../protocol/qa';
import { pageDecisions } from '../personalize/decide-request';
import { isWaymarkPath, pageFacts, servePage } from '../usecases/proxy-page';

/** Hono handler for `app.all('*')`: /_wm/ paths fall through to the app's 404. */
export async function proxyPage(c: Context<AppEnv>, next: Next): Promise<Response | void> {
  const url = new URL(c.req.url);
  if (isWaymarkPath(url)) return next();
  const served = await servePage({
    env: c.env,
    request: c.req.raw,
    url,
    visitorToken: readVisitorCookie(c),
    qaCookie: getCookie(c, QA_COOKIE),
    gpc: gpcFromHeader(c.req.header('sec-gpc')),
    decide: (site, visitorId, consent) => pageDecisions(c, site, visitorId, pageFacts(url, c.req.header('referer')), consent),
    ...(requestBot(c.req.raw).bot ? { bot: { countFor: (site: string) => countFilteredBot(c.env, site, (w) => c.executionCtx.waitUntil(w)) } } : {}),
  });
  return served.response;
}
