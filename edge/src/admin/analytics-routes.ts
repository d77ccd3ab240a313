/**
 * Journey-analytics reports, mounted at /_wm/admin/api/sites/:site/analytics (sessions and CSRF are
 * checked by the admin API's middleware). Thin: validate with protocol/analytics.ts, ask the site's
 * analytics shards (analytics/sharded.ts: fan-out and exact merge), answer their report.
 */
import { Hono } from 'hono';
import type { z } from 'zod';
import {
  funnelQuerySchema,
  messagesQuerySchema,
  overviewQuerySchema,
  pathsQuerySchema,
  profileSearchQuerySchema,
  retentionQuerySchema,
  segmentCountQuerySchema,
  sourcesQuerySchema,
  streamQuerySchema,
} from '../../../protocol/analytics';
import { siteIdSchema } from '../../../protocol/wire';
import { resolveRange } from '../analytics/reports';
import { seedSynthetic, SiteShards } from '../analytics/sharded';
import type { SynthSpec } from '../analytics/synthetic';
import { isDemo } from '../http/site-context';
import { HttpError } from '../http/errors';
import { conditionSchema } from '../../../protocol/config/conditions';
import type { AdminContext, AdminEnv } from './auth';
import { readJson } from './request';

export const analyticsApi = new Hono<AdminEnv>();

function invalid(error: z.ZodError, prefix: string[] = []): HttpError {
  const issues = error.issues.map((i) => ({ path: [...prefix, ...i.path.map(String)].join('.') || '(root)', message: i.message }));
  return new HttpError(400, `invalid query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

function parse<S extends z.ZodType>(schema: S, input: unknown, prefix?: string[]): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error, prefix);
  return parsed.data;
}

/** The site's analytics shards; the site id is checked like everywhere in the admin API. */
function store(c: AdminContext): SiteShards {
  const site = siteIdSchema.safeParse(c.req.param('site'));
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

analyticsApi.post('/funnel', async (c) => c.json(await store(c).funnel(ranged(parse(funnelQuerySchema, await readJson(c)), Date.now()))));
analyticsApi.post('/paths', async (c) => c.json(await store(c).paths(ranged(parse(pathsQuerySchema, await readJson(c)), Date.now()))));
analyticsApi.post('/retention', async (c) => {
  const now = Date.now();
  return c.json(await store(c).retention(ranged(parse(retentionQuerySchema, await readJson(c)), now), now));
});
analyticsApi.post('/sources', async (c) => c.json(await store(c).sources(ranged(parse(sourcesQuerySchema, await readJson(c)), Date.now()))));
analyticsApi.post('/messages', async (c) => c.json(await store(c).messages(ranged(parse(messagesQuerySchema, await readJson(c)), Date.now()))));

analyticsApi.post('/segment-count', async (c) => {
  const body = parse(segmentCountQuerySchema, await readJson(c));
  const condition = parse(conditionSchema, body.condition, ['condition']);
  return c.json(await store(c).segmentCount(condition, Date.now()));
});

analyticsApi.get('/overview', async (c) => c.json(await store(c).overview(parse(overviewQuerySchema, c.req.query()).minutes, Date.now())));

analyticsApi.get('/stream', async (c) => {
  const q = parse(streamQuerySchema, c.req.query());
  return c.json(await store(c).stream(q.after, q.limit, Date.now()));
});

analyticsApi.get('/profiles', async (c) => {
  const q = parse(profileSearchQuerySchema, c.req.query());
  return c.json(await store(c).profiles(q.q, q.by, q.limit));
});

/**
 * Synthetic traffic for the funnel benchmark (bench/funnel.mjs) and local demos: only where
 * WM_DEMO is set (local `wrangler dev`; production does not inherit [vars]). Each visitor goes to
 * the shard a new visitor would go to.
 */
analyticsApi.post('/_seed', async (c) => {
  if (!isDemo(c.env)) throw new HttpError(404, 'synthetic traffic is only available in local development (WM_DEMO)');
  const body = await readJson(c);
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const int = (key: string, min: number, max: number): number => {
    const v = b[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new HttpError(400, `${key} must be a whole number from ${min} to ${max}`, { issues: [{ path: key, message: `must be ${min}..${max}` }] });
    }
    return v;
  };
  const spec: SynthSpec = {
    visitors: int('visitors', 1, 50_000),
    firstVisitor: int('firstVisitor', 0, 100_000_000),
    eventsPerVisitor: int('eventsPerVisitor', 2, 200),
    start: int('start', 0, 2 ** 45),
    spanMs: int('spanMs', 1, 400 * 86_400_000),
    seed: int('seed', 0, 2 ** 31),
  };
  return c.json(await seedSynthetic(store(c), spec));
});
