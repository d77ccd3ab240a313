/**
 * Development-only routes, present only when WM_DEMO=1 (wrangler.toml's local [vars]; never in
 * production): `POST /_wm/demo/seed` writes the demo site (seed-demo.ts). `npm start`, the e2e and
 * soak servers and the benchmarks call it once the worker is up (scripts/seed-demo.mjs).
 */
import { Hono } from 'hono';
import type { ErrorResponse } from '../../../protocol/wire';
import { isDemo, type AppEnv } from '../http/site-context';
import { seedDemo } from './seed-demo';

export const DEMO_SEED_PATH = '/demo/seed';

export const demoRoutes = new Hono<AppEnv>();

demoRoutes.post(DEMO_SEED_PATH, async (c) => {
  // Not part of any deployment: without WM_DEMO the path does not exist.
  if (!isDemo(c.env)) return c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404);
  c.header('Cache-Control', 'no-store');
  return c.json(await seedDemo(c.env, new URL(c.req.url).origin));
});
