/**
 * The admin API, mounted at /_wm/admin/api. Thin handlers: parse, authorize (auth.ts), call the
 * site's SiteAdmin Durable Object (or sites.ts for the list), map its result to a response.
 *
 * Every route is declared with its request and response schemas (openapi.ts: `declareRoute`), and
 * GET /openapi.json serves the OpenAPI 3.1 document generated from those declarations.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { ErrorResponse } from '../../../protocol/wire';
import { siteIdSchema } from '../../../protocol/wire';
import { HttpError } from '../http/errors';
import { siteAdmin } from './objects';
import type { WriteResult } from './site-admin';
import { listSites } from './sites';
import { login, loginOptions, logout, reachesSite, requirePrincipal, type AdminContext, type AdminEnv } from './auth';
import { declareTokenRoutes } from './token-routes';
import { declareInvitePublicRoutes, declareTeamRoutes, sessionAnswer } from './team-routes';
import { baseVersionOf, parseInput, readJson } from './request';
import { COLLECTIONS, type Collection, type SiteChange } from './site-edit';
import { DEFAULT_ROTATION_OVERLAP_HOURS, redactSecrets, redactWebhook, rotatedWebhook } from '../webhooks/secret';
import { generateSecret } from '../net/standard-webhooks';
import { slugSchema } from '../../../protocol/config/personalization';
import { siteConfigSchema } from '../../../protocol/config/site';
import {
  accessLoginBodySchema,
  auditResponseSchema,
  deliveriesResponseSchema,
  identifyKeyResponseSchema,
  itemResponseSchema,
  itemWriteBodySchema,
  itemWriteResponseSchema,
  logLimitQuerySchema,
  loginOptionsSchema,
  profileResponseSchema,
  rotateSecretBodySchema,
  secretIssuedResponseSchema,
  sessionResponseSchema,
  siteResponseSchema,
  sitesResponseSchema,
  versionQuerySchema,
  visitorIdSchema,
  type AdminErrorBody,
  type AuditResponse,
  type DeliveriesResponse,
  type IdentifyKeyResponse,
  type IssuedSecret,
  type ItemResponse,
  type SecretIssuedResponse,
  type SessionResponse,
  type SiteResponse,
  type SitesResponse,
} from '../../../protocol/admin';
import { readProfile } from './profiles';
import { analyticsApi } from './analytics-routes';
import { emailApi } from '../email/admin-routes';
import { identifyKey } from '../identity/signed';
import { declareSegmentKeyRoutes } from './segment-key-routes';
import { declareDraftRoutes } from './draft-routes';
import { declareDestinationRoutes } from '../destinations/routes';
import { grants } from '../../../protocol/api-tokens';
import { declareQaRoutes } from '../qa/admin-routes';
import { declareAudienceRoutes } from '../audiences/routes';
import { visitorSecret } from '../http/site-context';
import { declareRoute, errors, generateDocument, json, jsonBody, registerComponents, type OpenApiDocument } from './openapi';

export const ADMIN_API_PREFIX = '/_wm/admin/api';

/** JSON answers need no sources at all; `frame-ancestors 'none'` and DENY keep them out of frames. */
export const ADMIN_RESPONSE_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
} as const;

export const adminApi = new OpenAPIHono<AdminEnv>();
registerComponents(adminApi);

/** `:site` in every site route: a site id (protocol/wire.ts). */
export const siteParams = z.object({ site: siteIdSchema });
const webhookParams = siteParams.extend({ id: slugSchema });
const itemParams = siteParams.extend({ collection: z.enum(COLLECTIONS), id: z.string().describe('The item’s id (a slug).') });

function siteParam(c: AdminContext): string {
  const raw = c.req.param('site');
  const id = siteParams.shape.site.safeParse(raw);
  if (!id.success)
    throw new HttpError(400, `site: ${id.error.issues[0]?.message ?? 'invalid'}`, {
      issues: [{ path: 'site', message: id.error.issues[0]?.message ?? 'invalid' }],
    });
  return id.data;
}

function collectionParam(c: AdminContext): Collection {
  const raw = c.req.param('collection');
  const found = itemParams.shape.collection.options.find((x) => x === raw);
  if (!found) throw new HttpError(404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  return found;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function write(c: AdminContext, site: string, change: SiteChange, baseVersion: number, issued?: IssuedSecret): Promise<Response> {
  const { actor, permission } = c.get('principal');
  // Without `publish`, a site that requires approval refuses direct item writes (drafts-and-versions.md).
  const result: WriteResult = await siteAdmin(c.env, site).write(site, change, baseVersion, actor, grants(permission, 'publish'));
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

declareRoute(
  adminApi,
  {
    method: 'post',
    path: '/login',
    operationId: 'login',
    summary: 'Sign in',
    description:
      'Starts a session: sets the session cookie and answers its CSRF token. With Cloudflare Access configured, `{}` signs in with the caller’s Access identity. Failed passwords count towards a lockout (429).',
    tags: ['Session'],
    request: { body: jsonBody(accessLoginBodySchema) },
    responses: { 200: json(sessionResponseSchema, 'Signed in.'), ...errors(400, 401, 403, 413, 415, 429, 503) },
  },
  async (c) => c.json(sessionAnswer(await login(c))),
);

// What the login screen may offer: the password and/or the caller's Cloudflare Access identity.
declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/login',
    operationId: 'loginOptions',
    summary: 'What the login screen may offer',
    tags: ['Session'],
    responses: { 200: json(loginOptionsSchema, 'The password, and/or the caller’s Cloudflare Access identity.'), ...errors(503) },
  },
  async (c) => c.json(await loginOptions(c)),
);

/**
 * The document itself, readable without a session: it lists routes and schemas, which are public
 * in the source anyway, and tools (code generators, CI checks) fetch it before they hold a
 * credential. It is answered with ADMIN_RESPONSE_HEADERS like every admin answer (never cached,
 * never framed, never sniffed): it changes with each deploy and is nothing a page should embed.
 */
let document: OpenApiDocument | undefined;
declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tags: ['Reference'],
    responses: {
      200: json(
        z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }),
        'The admin API’s OpenAPI 3.1 document.',
      ),
    },
  },
  (c) => c.json((document ??= generateDocument(adminApi, ADMIN_API_PREFIX))),
);

// Invitation links (team-routes.ts): opened before the invitee has any credential.
declareInvitePublicRoutes(adminApi);

// Everything below needs a session (for writes, with the CSRF header and same origin) or an API
// token, and the permission its route needs (protocol/api-tokens.ts ROUTE_RULES).
adminApi.use('*', requirePrincipal);

declareRoute(
  adminApi,
  {
    method: 'post',
    path: '/logout',
    operationId: 'logout',
    summary: 'Sign out',
    tags: ['Session'],
    responses: { 204: { description: 'Signed out: the session ended and its cookie is cleared.' }, ...errors(401, 403) },
  },
  async (c) => {
    await logout(c);
    return c.body(null, 204);
  },
);

declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/session',
    operationId: 'getSession',
    summary: 'The current session and its CSRF token',
    tags: ['Session'],
    responses: { 200: json(sessionResponseSchema, 'The session.'), ...errors(401) },
  },
  (c) => {
    const s = c.get('session');
    const p = c.get('principal');
    const role = p.kind === 'session' ? p.role : 'viewer';
    return c.json({
      user: s.user,
      role,
      permission: p.permission,
      csrfToken: s.csrfToken,
      expiresAt: new Date(s.expiresAt).toISOString(),
    } satisfies SessionResponse);
  },
);

declareTokenRoutes(adminApi);
declareTeamRoutes(adminApi);

declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/sites',
    operationId: 'listSites',
    summary: 'List the sites',
    tags: ['Sites'],
    responses: { 200: json(sitesResponseSchema, 'Every site: id, name and version.'), ...errors(401) },
  },
  async (c) => c.json({ sites: (await listSites(c.env)).filter((s) => reachesSite(c.get('principal'), s.id)) } satisfies SitesResponse),
);

declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/sites/{site}',
    operationId: 'getSite',
    summary: 'Read a site config',
    tags: ['Sites'],
    request: { params: siteParams },
    responses: { 200: json(siteResponseSchema, 'The config (webhook secrets redacted) and its version.'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteParam(c);
    const config = await siteAdmin(c.env, site).getSite(site);
    if (!config) throw new HttpError(404, `unknown site "${site}"`);
    return c.json({ site: redactSecrets(config), version: config.version } satisfies SiteResponse);
  },
);

declareRoute(
  adminApi,
  {
    method: 'put',
    path: '/sites/{site}',
    operationId: 'putSite',
    summary: 'Create or replace a site config',
    description: 'The whole config; its `version` is the version you edited (0 to create). A stale version is a 409 with `currentVersion`.',
    tags: ['Sites'],
    request: { params: siteParams, query: versionQuerySchema, body: jsonBody(siteConfigSchema) },
    responses: { 200: json(siteResponseSchema, 'The stored config and its new version.'), ...errors(400, 401, 403, 404, 409, 413, 415) },
  },
  async (c) => {
    const site = siteParam(c);
    const body = await readJson(c);
    if (!isRecord(body)) throw new HttpError(400, 'body must be a site config object', { issues: [{ path: '(root)', message: 'expected an object' }] });
    const baseVersion = baseVersionOf(c, { baseVersion: body.version });
    return write(c, site, { kind: 'put-site', config: body }, baseVersion);
  },
);

declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/sites/{site}/audit',
    operationId: 'getAudit',
    summary: 'The site’s audit log',
    tags: ['Sites'],
    request: { params: siteParams, query: logLimitQuerySchema },
    responses: { 200: json(auditResponseSchema, 'Who changed what, newest first.'), ...errors(400, 401) },
  },
  async (c) => {
    const site = siteParam(c);
    const { limit = 100 } = parseInput(logLimitQuerySchema, c.req.query());
    return c.json({ entries: await siteAdmin(c.env, site).audit(site, limit) } satisfies AuditResponse);
  },
);

// The site's identify key (identity/signed.ts), for its server to sign user ids with. Derived
// from WM_SECRET, so it is the same on every read and changes only with that secret.
declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/sites/{site}/identify-key',
    operationId: 'getIdentifyKey',
    summary: 'The key the site’s server signs user ids with',
    tags: ['Sites'],
    request: { params: siteParams },
    responses: { 200: json(identifyKeyResponseSchema, 'The key, and whether identify requires a signature.'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteParam(c);
    const config = await siteAdmin(c.env, site).getSite(site);
    if (!config) throw new HttpError(404, `unknown site "${site}"`);
    return c.json({
      site,
      key: await identifyKey(visitorSecret(c.env), site),
      required: config.identity?.requireSignedUserId === true,
    } satisfies IdentifyKeyResponse);
  },
);

// Drafts and versions (draft-routes.ts); before :collection/:id, which would claim their paths.
declareDraftRoutes(adminApi);

// The Segment HTTP API's write key, shown and rotated (segment-key-routes.ts); before :collection.
declareSegmentKeyRoutes(adminApi);

// QA links and "Preview as" (qa/admin-routes.ts); before :collection/:id, which would claim DELETE qa-links/:id.
declareQaRoutes(adminApi);

// Audiences: segment export and trait import (audiences/routes.ts, docs/audiences.md); before :collection/:id.
declareAudienceRoutes(adminApi);

// One visitor's profile (admin/profiles.ts); before :collection/:id, which would claim the path.
declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/sites/{site}/profiles/{visitorId}',
    operationId: 'getProfile',
    summary: 'One visitor’s profile',
    tags: ['Profiles'],
    request: { params: siteParams.extend({ visitorId: visitorIdSchema }) },
    responses: { 200: json(profileResponseSchema, 'Everything stored about the visitor (as GET /_wm/me shows it to them).'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteParam(c);
    if (!(await siteAdmin(c.env, site).getSite(site))) throw new HttpError(404, `unknown site "${site}"`);
    return readProfile(c, site);
  },
);

// Journey-analytics reports (admin/analytics-routes.ts); before :collection/:id, which would claim the path.
adminApi.route('/sites/:site/analytics', analyticsApi);
// Destinations (issue #13, destinations/routes.ts); before :collection/:id, which would claim the paths.
declareDestinationRoutes(adminApi);
// E-mail (email/admin-routes.ts, docs/email.md); before :collection/:id too.
adminApi.route('/sites/:site/email', emailApi);

// A webhook's delivery attempts, newest first (webhooks/log.ts; written by the visitor profiles).
declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/sites/{site}/webhooks/{id}/deliveries',
    operationId: 'getWebhookDeliveries',
    summary: 'A webhook’s delivery attempts',
    tags: ['Webhooks'],
    request: { params: webhookParams, query: logLimitQuerySchema },
    responses: { 200: json(deliveriesResponseSchema, 'Delivery attempts, newest first.'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteParam(c);
    const id = webhookParams.shape.id.safeParse(c.req.param('id'));
    if (!id.success)
      throw new HttpError(400, `webhook id: ${id.error.issues[0]?.message ?? 'invalid'}`, {
        issues: [{ path: 'id', message: id.error.issues[0]?.message ?? 'invalid' }],
      });
    const config = await siteAdmin(c.env, site).getSite(site);
    if (!config) throw new HttpError(404, `unknown site "${site}"`);
    if (!config.webhooks.some((w) => w.id === id.data)) throw new HttpError(404, `no webhook "${id.data}" in site "${site}"`);
    const { limit = 100 } = parseInput(logLimitQuerySchema, c.req.query());
    return c.json({
      deliveries: await siteAdmin(c.env, site).webhookDeliveries(site, id.data, limit),
    } satisfies DeliveriesResponse);
  },
);

// Rotates a webhook's secret (webhooks/secret.ts): a new edge-generated secret signs from now on,
// the old one too until the overlap ends (Standard Webhooks: both signatures are sent). The new
// secret is in this response only.
declareRoute(
  adminApi,
  {
    method: 'post',
    path: '/sites/{site}/webhooks/{id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate a webhook’s signing secret',
    description: 'The new secret is in this response only. The old one keeps signing too for `overlapHours` (default 24).',
    tags: ['Webhooks'],
    request: { params: siteParams.extend({ id: z.string() }), query: versionQuerySchema, body: jsonBody(rotateSecretBodySchema) },
    responses: { 200: json(secretIssuedResponseSchema, 'The site, and the new secret (shown once).'), ...errors(400, 401, 403, 404, 409, 413, 415) },
  },
  async (c) => {
    const site = siteParam(c);
    const id = c.req.param('id');
    const body = await readJson(c);
    if (!isRecord(body)) throw new HttpError(400, 'body must be an object', { issues: [{ path: '(root)', message: 'expected an object' }] });
    // baseVersion may come as ?version= instead (baseVersionOf), so only the overlap is parsed here.
    const overlap = parseInput(rotateSecretBodySchema.pick({ overlapHours: true }), body, 'body').overlapHours ?? DEFAULT_ROTATION_OVERLAP_HOURS;
    const baseVersion = baseVersionOf(c, body);
    const config = await siteAdmin(c.env, site).getSite(site);
    if (!config) throw new HttpError(404, `unknown site "${site}"`);
    const webhook = config.webhooks.find((w) => w.id === id);
    if (!webhook) throw new HttpError(404, `no webhook "${id}" in site "${site}"`);
    const next = rotatedWebhook(webhook, generateSecret(), Date.now(), overlap);
    const issued = { webhook: id, secret: next.secret, previousSecretExpiresAt: next.rotation?.expiresAt ?? null };
    return write(c, site, { kind: 'put-item', collection: 'webhooks', id, item: next }, baseVersion, issued);
  },
);

declareRoute(
  adminApi,
  {
    method: 'get',
    path: '/sites/{site}/{collection}/{id}',
    operationId: 'getItem',
    summary: 'Read one item of a site',
    tags: ['Items'],
    request: { params: itemParams },
    responses: { 200: json(itemResponseSchema, 'The item (a webhook redacted) and the site’s version.'), ...errors(400, 401, 404) },
  },
  async (c) => {
    const site = siteParam(c);
    const collection = collectionParam(c);
    const config = await siteAdmin(c.env, site).getSite(site);
    if (!config) throw new HttpError(404, `unknown site "${site}"`);
    const item = (config[collection] as readonly { id: string }[]).find((x) => x.id === c.req.param('id'));
    if (!item) throw new HttpError(404, `no ${collection.slice(0, -1)} "${c.req.param('id')}" in site "${site}"`);
    return c.json({ item: collection === 'webhooks' ? redactWebhook(item) : item, version: config.version } satisfies ItemResponse<unknown>);
  },
);

declareRoute(
  adminApi,
  {
    method: 'put',
    path: '/sites/{site}/{collection}/{id}',
    operationId: 'putItem',
    summary: 'Create or replace one item of a site',
    description:
      'The item’s fields and `baseVersion` (the site version you edited; 0 only creates a site). A new webhook without a `secret` gets one the edge generates, shown in this response only (`issuedSecret`).',
    tags: ['Items'],
    request: { params: itemParams, query: versionQuerySchema, body: jsonBody(itemWriteBodySchema) },
    responses: { 200: json(itemWriteResponseSchema, 'The site with the item, and its new version.'), ...errors(400, 401, 403, 404, 409, 413, 415) },
  },
  async (c) => {
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
  },
);

declareRoute(
  adminApi,
  {
    method: 'delete',
    path: '/sites/{site}/{collection}/{id}',
    operationId: 'deleteItem',
    summary: 'Delete one item of a site',
    description:
      'The version edited comes as `?version=`, or as `{"baseVersion": n}` for clients that send a body. An item still in use is a 409 with `usedBy`.',
    tags: ['Items'],
    request: { params: itemParams, query: versionQuerySchema },
    responses: { 200: json(siteResponseSchema, 'The site without the item, and its new version.'), ...errors(400, 401, 403, 404, 409) },
  },
  async (c) => {
    const site = siteParam(c);
    const collection = collectionParam(c);
    // The version comes as ?version=, or as {"baseVersion": n} for clients that send a body.
    const body = c.req.query('version') === undefined && c.req.raw.body ? await readJson(c) : undefined;
    return write(c, site, { kind: 'delete-item', collection, id: c.req.param('id') }, baseVersionOf(c, isRecord(body) ? body : undefined));
  },
);

// Anything else under the prefix is an unknown admin route, never a page for proxy mode.
adminApi.all('*', (c) => c.json({ error: `no admin route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404));
