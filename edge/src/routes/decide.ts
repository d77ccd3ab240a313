/**
 * GET /_wm/decide?site=…&url=…[&ref=…]: what this visitor should see on that page, for snippet
 * mode (no proxy). A browser without a profile yet simply gets no decisions.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { MAX_URL_LENGTH } from '../../../protocol/limits';
import { HttpError } from '../http/errors';
import type { AppEnv } from '../http/site-context';
import { pageDecisions } from '../personalize/decide-request';
import { siteAndVisitor } from './profile';

export const decide = new Hono<AppEnv>();

const pageUrl = z.url({ protocol: /^https?$/ }).max(MAX_URL_LENGTH);

decide.get('/decide', async (c) => {
  const { site, visitorId } = await siteAndVisitor(c);
  const url = pageUrl.safeParse(c.req.query('url'));
  if (!url.success) throw new HttpError(400, `url: must be the page's absolute http(s) URL (at most ${MAX_URL_LENGTH} characters)`);
  const ref = pageUrl.safeParse(c.req.query('ref'));
  const decisions = await pageDecisions(c, site, visitorId, { url: url.data, ...(ref.success ? { referrer: ref.data } : {}) });
  return c.json({ decisions });
});
