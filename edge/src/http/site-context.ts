/**
 * What every /_wm route needs: the site (404 if unknown), the Origin check (403), CORS headers
 * for allowed browser origins, and the visitor secret.
 */
import type { Context } from 'hono';
import { siteIdSchema } from '../../../protocol/wire';
import { originAllowed, type SiteConfig } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import { HttpError } from './errors';

export type AppEnv = { Bindings: Env };
export type AppContext = Context<AppEnv>;

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

export async function loadSite(c: AppContext, rawId: string | undefined): Promise<SiteConfig> {
  const id = siteIdSchema.safeParse(rawId);
  if (!id.success) throw new HttpError(400, `site: ${rawId === undefined ? 'missing' : (id.error.issues[0]?.message ?? 'invalid')}`);
  const store = siteStore(c.env);
  const site = await store.get(id.data);
  if (!site) throw new HttpError(404, `unknown site "${id.data}"`);
  return site;
}

/** Refuses browsers on origins the site did not allow; echoes CORS headers for the ones it did. */
export function checkOrigin(c: AppContext, site: SiteConfig): void {
  const origin = c.req.header('origin');
  if (!originAllowed(site, origin)) {
    throw new HttpError(403, `origin ${origin} is not allowed for site "${site.id}"`);
  }
  if (origin) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin', { append: true });
  }
}

export function visitorSecret(env: Env): string {
  const secret = env.WM_SECRET;
  if (!secret || secret.length < 32) throw new Error('WM_SECRET is missing or shorter than 32 characters');
  if (secret.startsWith(DEV_SECRET_PREFIX) && !isDemo(env)) {
    throw new Error('WM_SECRET is the development secret: set a real one with `wrangler secret put WM_SECRET`');
  }
  return secret;
}
