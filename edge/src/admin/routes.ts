/**
 * The admin API, mounted at /_wm/admin/api. Thin handlers: parse, authorize (auth.ts), call the
 * site's SiteAdmin Durable Object (or sites.ts for the list), map its result to a response.
 */
import { Hono } from 'hono';
import type { ErrorResponse } from '../../../protocol/wire';
import { siteIdSchema } from '../../../protocol/wire';
import { HttpError } from '../http/errors';
import { siteAdmin } from './objects';
import type { WriteResult } from './site-admin';
import { listSites } from './sites';
import { login, loginOptions, logout, requireSession, type AdminContext, type AdminEnv } from './auth';
import { baseVersionOf, readJson } from './request';
import { COLLECTIONS, type Collection, type SiteChange } from './site-edit';
import { DEFAULT_ROTATION_OVERLAP_HOURS, MAX_ROTATION_OVERLAP_HOURS, redactSecrets, redactWebhook, rotatedWebhook } from '../webhooks/secret';
import { generateSecret } from '../net/standard-webhooks';
import { slugSchema } from '../../../protocol/config/personalization';
import type {
  AdminErrorBody,
  AuditResponse,
  DeliveriesResponse,
  IdentifyKeyResponse,
  IssuedSecret,
  ItemResponse,
  SecretIssuedResponse,
  SessionResponse,
  SiteResponse,
  SitesResponse,
} from '../../../protocol/admin';
import { readProfile } from './profiles';
import { analyticsApi } from './analytics-routes';
import { identifyKey } from '../identity/signed';
import { segmentKeyRoutes } from './segment-key-routes';
import { visitorSecret } from '../http/site-context';

export const ADMIN_API_PREFIX = '/_wm/admin/api';

/** JSON answers need no sources at all; `frame-ancestors 'none'` and DENY keep them out of frames. */
export const ADMIN_RESPONSE_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
} as const;

export const adminApi = new Hono<AdminEnv>();

function siteParam(c: AdminContext): string {
  const raw = c.req.param('site');
  const id = siteIdSchema.safeParse(raw);
  if (!id.success)
    throw new HttpError(400, `site: ${id.error.issues[0]?.message ?? 'invalid'}`, {
      issues: [{ path: 'site', message: id.error.issues[0]?.message ?? 'invalid' }],
    });
  return id.data;
}

function collectionParam(c: AdminContext): Collection {
  const raw = c.req.param('collection');
  const found = COLLECTIONS.find((x) => x === raw);
  if (!found) throw new HttpError(404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  return found;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function write(c: AdminContext, site: string, change: SiteChange, baseVersion: number, issued?: IssuedSecret): Promise<Response> {
  const result: WriteResult = await siteAdmin(c.env, site).write(site, change, baseVersion, c.get('session').user);
  c.header('Cache-Control', 'no-store');
  if (result.ok && issued) {
    return c.json({ site: redactSecrets(result.config), version: result.config.version, issuedSecret: issued } satisfies SecretIssuedResponse);
  }
  if (result.ok) return c.json({ site: redactSecrets(result.config), version: result.config.version } satisfies SiteResponse);
  const { ok: _ok, status, ...body } = result;
  return c.json(body satisfies ErrorResponse & AdminErrorBody, status);
}

// Every admin answer, errors included: never cached, never framed (clickjacking), never sniffed.
adminApi.use('*', async (c, next) => {
  for (const [name, value] of Object.entries(ADMIN_RESPONSE_HEADERS)) c.header(name, value);
  await next();
});

adminApi.post('/login', async (c) => {
  const session = await login(c);
  return c.json({ user: session.user, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() } satisfies SessionResponse);
});

// What the login screen may offer: the password and/or the caller's Cloudflare Access identity.
adminApi.get('/login', async (c) => c.json(await loginOptions(c)));

// Everything below needs a session (and, for writes, the CSRF header and same origin).
adminApi.use('*', requireSession);

adminApi.post('/logout', async (c) => {
  await logout(c);
  return c.body(null, 204);
});

adminApi.get('/session', (c) => {
  const s = c.get('session');
  return c.json({ user: s.user, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString() } satisfies SessionResponse);
});

adminApi.get('/sites', async (c) => c.json({ sites: await listSites(c.env) } satisfies SitesResponse));

adminApi.get('/sites/:site', async (c) => {
  const site = siteParam(c);
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  return c.json({ site: redactSecrets(config), version: config.version } satisfies SiteResponse);
});

adminApi.put('/sites/:site', async (c) => {
  const site = siteParam(c);
  const body = await readJson(c);
  if (!isRecord(body)) throw new HttpError(400, 'body must be a site config object', { issues: [{ path: '(root)', message: 'expected an object' }] });
  const baseVersion = baseVersionOf(c, { baseVersion: body.version });
  return write(c, site, { kind: 'put-site', config: body }, baseVersion);
});

adminApi.get('/sites/:site/audit', async (c) => {
  const site = siteParam(c);
  const limit = Number(c.req.query('limit') ?? 100);
  return c.json({ entries: await siteAdmin(c.env, site).audit(site, Number.isFinite(limit) ? limit : 100) } satisfies AuditResponse);
});

// The site's identify key (identity/signed.ts), for its server to sign user ids with. Derived
// from WM_SECRET, so it is the same on every read and changes only with that secret.
adminApi.get('/sites/:site/identify-key', async (c) => {
  const site = siteParam(c);
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  return c.json({
    site,
    key: await identifyKey(visitorSecret(c.env), site),
    required: config.identity?.requireSignedUserId === true,
  } satisfies IdentifyKeyResponse);
});

// The Segment HTTP API's write key, shown and rotated (segment-key-routes.ts); before :collection.
adminApi.route('/', segmentKeyRoutes);

// One visitor's profile (admin/profiles.ts); before :collection/:id, which would claim the path.
adminApi.get('/sites/:site/profiles/:visitorId', async (c) => {
  const site = siteParam(c);
  if (!(await siteAdmin(c.env, site).getSite(site))) throw new HttpError(404, `unknown site "${site}"`);
  return readProfile(c, site);
});

// Journey-analytics reports (admin/analytics-routes.ts); before :collection/:id, which would claim the path.
adminApi.route('/sites/:site/analytics', analyticsApi);

// A webhook's delivery attempts, newest first (webhooks/log.ts; written by the visitor profiles).
adminApi.get('/sites/:site/webhooks/:id/deliveries', async (c) => {
  const site = siteParam(c);
  const id = slugSchema.safeParse(c.req.param('id'));
  if (!id.success)
    throw new HttpError(400, `webhook id: ${id.error.issues[0]?.message ?? 'invalid'}`, {
      issues: [{ path: 'id', message: id.error.issues[0]?.message ?? 'invalid' }],
    });
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  if (!config.webhooks.some((w) => w.id === id.data)) throw new HttpError(404, `no webhook "${id.data}" in site "${site}"`);
  const limit = Number(c.req.query('limit') ?? 100);
  return c.json({
    deliveries: await siteAdmin(c.env, site).webhookDeliveries(site, id.data, Number.isFinite(limit) ? limit : 100),
  } satisfies DeliveriesResponse);
});

// Rotates a webhook's secret (webhooks/secret.ts): a new edge-generated secret signs from now on,
// the old one too until the overlap ends (Standard Webhooks: both signatures are sent). The new
// secret is in this response only.
adminApi.post('/sites/:site/webhooks/:id/rotate-secret', async (c) => {
  const site = siteParam(c);
  const id = c.req.param('id');
  const body = await readJson(c);
  if (!isRecord(body)) throw new HttpError(400, 'body must be an object', { issues: [{ path: '(root)', message: 'expected an object' }] });
  const overlap = body.overlapHours ?? DEFAULT_ROTATION_OVERLAP_HOURS;
  if (typeof overlap !== 'number' || !Number.isInteger(overlap) || overlap < 0 || overlap > MAX_ROTATION_OVERLAP_HOURS) {
    const message = `must be a whole number of hours from 0 to ${MAX_ROTATION_OVERLAP_HOURS}`;
    throw new HttpError(400, `overlapHours: ${message}`, { issues: [{ path: 'overlapHours', message }] });
  }
  const baseVersion = baseVersionOf(c, body);
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  const webhook = config.webhooks.find((w) => w.id === id);
  if (!webhook) throw new HttpError(404, `no webhook "${id}" in site "${site}"`);
  const next = rotatedWebhook(webhook, generateSecret(), Date.now(), overlap);
  const issued = { webhook: id, secret: next.secret, previousSecretExpiresAt: next.rotation?.expiresAt ?? null };
  return write(c, site, { kind: 'put-item', collection: 'webhooks', id, item: next }, baseVersion, issued);
});

adminApi.get('/sites/:site/:collection/:id', async (c) => {
  const site = siteParam(c);
  const collection = collectionParam(c);
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  const item = (config[collection] as readonly { id: string }[]).find((x) => x.id === c.req.param('id'));
  if (!item) throw new HttpError(404, `no ${collection.slice(0, -1)} "${c.req.param('id')}" in site "${site}"`);
  return c.json({ item: collection === 'webhooks' ? redactWebhook(item) : item, version: config.version } satisfies ItemResponse<unknown>);
});

adminApi.put('/sites/:site/:collection/:id', async (c) => {
  const site = siteParam(c);
  const collection = collectionParam(c);
  const body = await readJson(c);
  if (!isRecord(body)) throw new HttpError(400, 'body must be an object', { issues: [{ path: '(root)', message: 'expected an object' }] });
  const { baseVersion: _base, ...item } = body;
  const id = c.req.param('id');
  // A new webhook without a secret gets one the edge generates, shown in this response only.
  if (collection === 'webhooks' && item.secret === undefined && !(await siteAdmin(c.env, site).getSite(site))?.webhooks.some((w) => w.id === id)) {
    const secret = generateSecret();
    return write(c, site, { kind: 'put-item', collection, id, item: { ...item, secret } }, baseVersionOf(c, body), {
      webhook: id,
      secret,
      previousSecretExpiresAt: null,
    });
  }
  return write(c, site, { kind: 'put-item', collection, id, item }, baseVersionOf(c, body));
});

adminApi.delete('/sites/:site/:collection/:id', async (c) => {
  const site = siteParam(c);
  const collection = collectionParam(c);
  // The version comes as ?version=, or as {"baseVersion": n} for clients that send a body.
  const body = c.req.query('version') === undefined && c.req.raw.body ? await readJson(c) : undefined;
  return write(c, site, { kind: 'delete-item', collection, id: c.req.param('id') }, baseVersionOf(c, isRecord(body) ? body : undefined));
});

// Anything else under the prefix is an unknown admin route, never a page for proxy mode.
adminApi.all('*', (c) => c.json({ error: `no admin route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404));
