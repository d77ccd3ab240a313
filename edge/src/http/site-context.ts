/**
 * What every /_wm route needs besides its middleware: the site by id (404 if unknown), demo mode,
 * and the visitor secret. The Origin check lives in middleware/origin.ts.
 */
import { siteIdSchema } from '../../../protocol/wire';
import type { SiteConfig } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import { HttpError } from './errors';

export type { AppContext, AppEnv } from './app-env';

const DEV_SECRET_PREFIX = 'dev-only-';
// One cache per KV binding: survives across requests in an isolate, never shared between bindings.
const stores = new WeakMap<KVNamespace, SiteStore>();

function siteStore(env: Env): SiteStore {
  let store = stores.get(env.CONFIG);
  if (!store) {
    store = new SiteStore(env.CONFIG);
    stores.set(env.CONFIG, store);
  }
  return store;
}

export function isDemo(env: Env): boolean {
  return env.WM_DEMO === '1';
}

/** Takes any `{ env }` (a Hono context, or a plain object in tests). */
export async function loadSite(c: { env: Env }, rawId: string | undefined): Promise<SiteConfig> {
  const id = siteIdSchema.safeParse(rawId);
  if (!id.success) throw new HttpError(400, `site: ${rawId === undefined ? 'missing' : (id.error.issues[0]?.message ?? 'invalid')}`);
  const store = siteStore(c.env);
  const site = await store.get(id.data);
  if (!site) throw new HttpError(404, `unknown site "${id.data}"`);
  return site;
}

/** A deployment without a real secret refuses to work (503, saying why: docs/deploy-secrets.md) rather than run with a guessable one. */
export function visitorSecret(env: Env): string {
  const secret = env.WM_SECRET;
  if (!secret || secret.length < 32) throw new HttpError(503, 'not configured: WM_SECRET is missing or shorter than 32 characters');
  if (secret.startsWith(DEV_SECRET_PREFIX) && !isDemo(env)) {
    throw new HttpError(503, 'not configured: WM_SECRET is the development secret: set a real one with `wrangler secret put WM_SECRET`');
  }
  return secret;
}
