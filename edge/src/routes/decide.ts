/**
 * GET /_wm/decide?site=…&url=…[&ref=…]: what this visitor should see on that page, for snippet
 * mode (no proxy). A browser without a profile yet simply gets no decisions.
 */
import { Hono } from 'hono';
import { botsGetNoDecisions } from '../bots/filter';
import type { AppEnv } from '../http/app-env';
import { cacheControl } from '../http/middleware/cache-control';
import { policyConsent } from '../http/middleware/consent';
import { allowedOrigin } from '../http/middleware/origin';
import { siteFromQuery } from '../http/middleware/site';
import { tokenVisitor } from '../http/middleware/visitor';
import { pageDecisions } from '../personalize/decide-request';
import { decideForPage } from '../usecases/decide';
import { qaDecide } from '../qa/middleware';

export const decide = new Hono<AppEnv>();

decide.get('/decide', siteFromQuery, allowedOrigin, cacheControl('private, no-store'), botsGetNoDecisions, qaDecide, tokenVisitor, policyConsent, async (c) => {
  const { site, visitor, consent } = c.var;
  const answer = await decideForPage({
    url: c.req.query('url'),
    ref: c.req.query('ref'),
    lang: c.req.query('lang'),
    nav: c.req.query('nav'),
    decide: (page) => pageDecisions(c, site, visitor.id, page, consent),
  });
  return c.json(answer);
});
