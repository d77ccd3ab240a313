/**
 * Journey-analytics reports, mounted at /_wm/admin/api/sites/:site/analytics (sessions and CSRF are
 * checked by the admin API's middleware). Thin: validate with protocol/analytics.ts, ask the site's
 * analytics shards (analytics/sharded.ts: fan-out and exact merge), answer their report.
 * Each route is declared with the schemas it validates with and answers in (openapi.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  funnelQuerySchema,
  funnelReportSchema,
  messagesQuerySchema,
  messagesReportSchema,
  overviewQuerySchema,
  overviewReportSchema,
  pathsQuerySchema,
  pathsReportSchema,
  profileSearchQuerySchema,
  profileSearchReportSchema,
  retentionQuerySchema,
  retentionReportSchema,
  seedQuerySchema,
  seedReportSchema,
  segmentCountQuerySchema,
  segmentCountReportSchema,
  sourcesQuerySchema,
  sourcesReportSchema,
  streamQuerySchema,
  streamReportSchema,
} from '../../../protocol/analytics';
import { siteIdSchema } from '../../../protocol/wire';
import { resolveRange } from '../analytics/reports';
import { seedSynthetic, SiteShards } from '../analytics/sharded';
import type { SynthSpec } from '../analytics/synthetic';
import { isDemo } from '../http/site-context';
import { HttpError } from '../http/errors';
import { conditionSchema } from '../../../protocol/config/conditions';
import type { AdminContext, AdminEnv } from './auth';
import { parseInput, readJson } from './request';
import { declareRoute, errors, json, jsonBody, type AdminRoute } from './openapi';

export const analyticsApi = new OpenAPIHono<AdminEnv>();
/** Where adminApi mounts this app (routes.ts): the permission rules name the full paths. */
const ANALYTICS_MOUNT = '/sites/{site}/analytics';
function declareAnalytics<const Path extends string>(route: AdminRoute & { path: Path }, handler: Parameters<typeof declareRoute<Path>>[2]): void {
  declareRoute(analyticsApi, route, handler, ANALYTICS_MOUNT);
}

/** `:site` of the mount path (routes.ts), declared on each report. */
const siteParams = z.object({ site: siteIdSchema });

const parse = <S extends z.ZodType>(schema: S, input: unknown, prefix?: string[]): z.output<S> => parseInput(schema, input, 'query', prefix);

/** The site's analytics shards; the site id is checked like everywhere in the admin API. */
function store(c: AdminContext): SiteShards {
  const site = siteParams.shape.site.safeParse(c.req.param('site'));
  if (!site.success)
    throw new HttpError(400, `site: ${site.error.issues[0]?.message ?? 'invalid'}`, {
      issues: [{ path: 'site', message: site.error.issues[0]?.message ?? 'invalid' }],
    });
  return new SiteShards(c.env, site.data);
}

/** The query with its range resolved once here, so every shard answers for the same range. */
function ranged<Q extends { from?: number | undefined; to?: number | undefined }>(q: Q, now: number): Q & { from: number; to: number } {
  return { ...q, ...resolveRange(q, now) };
}

/** A report route: POST with a JSON query (a write, so CSRF with a cookie) or GET with query parameters. */
function report(method: 'get' | 'post', path: string, operationId: string, summary: string, query: z.ZodType, answer: z.ZodType): AdminRoute {
  const request = method === 'post' ? { params: siteParams, body: jsonBody(query) } : { params: siteParams, query: query as z.ZodObject };
  return {
    method,
    path,
    operationId,
    summary,
    tags: ['Analytics'],
    request,
    responses: { 200: json(answer, 'The report.'), ...errors(...(method === 'post' ? ([400, 401, 403, 413, 415] as const) : ([400, 401] as const))) },
  };
}

declareAnalytics(report('post', '/funnel', 'funnelReport', 'Funnel: visitors through ordered steps', funnelQuerySchema, funnelReportSchema), async (c) =>
  c.json(await store(c).funnel(ranged(parse(funnelQuerySchema, await readJson(c)), Date.now()))),
);
declareAnalytics(report('post', '/paths', 'pathsReport', 'Paths: what visitors did next (or before)', pathsQuerySchema, pathsReportSchema), async (c) =>
  c.json(await store(c).paths(ranged(parse(pathsQuerySchema, await readJson(c)), Date.now()))),
);
declareAnalytics(report('post', '/retention', 'retentionReport', 'Retention by cohort', retentionQuerySchema, retentionReportSchema), async (c) => {
  const now = Date.now();
  return c.json(await store(c).retention(ranged(parse(retentionQuerySchema, await readJson(c)), now), now));
});
declareAnalytics(report('post', '/sources', 'sourcesReport', 'Traffic sources by first touch', sourcesQuerySchema, sourcesReportSchema), async (c) =>
  c.json(await store(c).sources(ranged(parse(sourcesQuerySchema, await readJson(c)), Date.now()))),
);
declareAnalytics(
  report('post', '/messages', 'messagesReport', 'Messages: exposures, conversions and lift', messagesQuerySchema, messagesReportSchema),
  async (c) => c.json(await store(c).messages(ranged(parse(messagesQuerySchema, await readJson(c)), Date.now()))),
);

declareAnalytics(
  report('post', '/segment-count', 'segmentCount', 'How many visitors a draft segment condition matches', segmentCountQuerySchema, segmentCountReportSchema),
  async (c) => {
    const body = parse(segmentCountQuerySchema, await readJson(c));
    const condition = parse(conditionSchema, body.condition, ['condition']);
    return c.json(await store(c).segmentCount(condition, Date.now()));
  },
);

declareAnalytics(
  report('get', '/overview', 'overviewReport', 'Live overview: visitors now, events per minute, top pages', overviewQuerySchema, overviewReportSchema),
  async (c) => c.json(await store(c).overview(parse(overviewQuerySchema, c.req.query()).minutes, Date.now())),
);

declareAnalytics(
  report('get', '/stream', 'eventStream', 'The latest stored events, or those after a cursor', streamQuerySchema, streamReportSchema),
  async (c) => {
    const q = parse(streamQuerySchema, c.req.query());
    return c.json(await store(c).stream(q.after, q.limit, Date.now()));
  },
);

declareAnalytics(
  report('get', '/profiles', 'searchProfiles', 'Search visitors by user id, visitor id or trait', profileSearchQuerySchema, profileSearchReportSchema),
  async (c) => {
    const q = parse(profileSearchQuerySchema, c.req.query());
    return c.json(await store(c).profiles(q.q, q.by, q.limit));
  },
);

/**
 * Synthetic traffic for the funnel benchmark (bench/funnel.mjs) and local demos: only where
 * WM_DEMO is set (local `wrangler dev`; production does not inherit [vars]). Each visitor goes to
 * the shard a new visitor would go to.
 */
const seedRoute: AdminRoute = {
  ...report('post', '/_seed', 'seedSynthetic', 'Seed synthetic traffic (local development only)', seedQuerySchema, seedReportSchema),
  tags: ['Development'],
};
seedRoute.responses = { ...seedRoute.responses, ...errors(404) };
declareAnalytics(seedRoute, async (c) => {
  if (!isDemo(c.env)) throw new HttpError(404, 'synthetic traffic is only available in local development (WM_DEMO)');
  const body = await readJson(c);
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  // The bounds are the documented schema's (seedQuerySchema), checked here with the reasons this route always gave.
  const int = (key: keyof typeof seedQuerySchema.shape): number => {
    const { minValue: min, maxValue: max } = seedQuerySchema.shape[key];
    if (min === null || max === null) throw new Error(`seedQuerySchema.${key} needs both bounds`);
    const v = b[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new HttpError(400, `${key} must be a whole number from ${min} to ${max}`, { issues: [{ path: key, message: `must be ${min}..${max}` }] });
    }
    return v;
  };
  const spec: SynthSpec = {
    visitors: int('visitors'),
    firstVisitor: int('firstVisitor'),
    eventsPerVisitor: int('eventsPerVisitor'),
    start: int('start'),
    spanMs: int('spanMs'),
    seed: int('seed'),
  };
  return c.json(await seedSynthetic(store(c), spec));
});
