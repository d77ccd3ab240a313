/**
 * Who may call which admin route (/_wm/admin/api), defined once: the permission levels, the scopes
 * an API token can carry, the permission each route needs, and the token routes' request schemas
 * and response types. The edge enforces it (edge/src/admin/auth.ts); docs/api-tokens.md prints it.
 * The dashboard imports only types from here, so zod never reaches its bundle.
 *
 * Levels are ordered: read < write < publish < admin; holding one grants every lower one.
 * - read: every GET of configs, reports, profiles, the audit and delivery logs.
 * - write: creating, editing and deleting segments, slots, messages and journeys in the site's
 *   draft, and publishing, scheduling or discarding it (docs/drafts-and-versions.md); the direct
 *   item routes too. With the site's `requireApproval` on, write may only edit and submit the
 *   draft: publishing, scheduling and direct item writes need publish.
 * - publish: what changes the whole site or sends data out of Waymark: the site settings
 *   (`PUT /sites/:site`), webhooks and their secret rotation, the identify signing key,
 *   approving or rejecting a submitted draft, and reverting to a version.
 * - admin: API tokens themselves. No token has it: a token can never create or revoke tokens.
 *
 * A browser session holds its user's role's level (protocol/team.ts, docs/team.md): viewer = read,
 * editor = write, publisher = publish, admin = admin; the built-in admin (the password) holds admin.
 */
import { z } from 'zod';
import { siteIdSchema } from './wire';

export const PERMISSIONS = ['read', 'write', 'publish', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a token can be given: every level but admin. */
export const TOKEN_SCOPES = ['read', 'write', 'publish'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The team's roles (protocol/team.ts), as the permission each holds. */
export const ROLE_PERMISSIONS = { viewer: 'read', editor: 'write', publisher: 'publish', admin: 'admin' } as const satisfies Record<string, Permission>;

/** Whether holding `held` allows a route that needs `needed`. */
export function grants(held: Permission, needed: Permission): boolean {
  return PERMISSIONS.indexOf(held) >= PERMISSIONS.indexOf(needed);
}

// ---- the permission of every admin route ---------------------------------------------------------

/** Where the admin API is mounted; rule paths are under it. */
export const ADMIN_API_BASE = '/_wm/admin/api';

/**
 * What a route needs: a permission level, or `session` (only a browser session: logout and the
 * session itself, which a token does not have), or `public` (login, before any credential).
 */
export type RouteAccess = Permission | 'session' | 'public';

/** One rule: a method and a Hono-style path under /_wm/admin/api (`:name` is one path segment). */
export type RouteRule = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; access: RouteAccess };

/**
 * Every admin route, first match wins (so the webhook rules come before the generic item ones).
 * A request no rule matches needs `admin` (fail closed); edge/test/admin-tokens.test.ts fails when
 * a route of the Hono app has no rule here.
 */
export const ROUTE_RULES: readonly RouteRule[] = [
  { method: 'GET', path: '/login', access: 'public' },
  { method: 'POST', path: '/login', access: 'public' },
  // The OpenAPI document: routes and schemas, public in the source anyway (edge/src/admin/routes.ts).
  { method: 'GET', path: '/openapi.json', access: 'public' },
  { method: 'POST', path: '/logout', access: 'session' },
  { method: 'GET', path: '/session', access: 'session' },
  { method: 'GET', path: '/tokens', access: 'admin' },
  { method: 'POST', path: '/tokens', access: 'admin' },
  { method: 'DELETE', path: '/tokens/:id', access: 'admin' },
  // The team (issue #12, docs/team.md): admins manage users and invitations; an invitation link's
  // page checks and accepts it before the invitee holds any credential (the link's secret is the key).
  { method: 'POST', path: '/invite/check', access: 'public' },
  { method: 'POST', path: '/invite/accept', access: 'public' },
  { method: 'GET', path: '/users', access: 'admin' },
  { method: 'POST', path: '/users', access: 'admin' },
  { method: 'PUT', path: '/users/:name', access: 'admin' },
  { method: 'DELETE', path: '/users/:name', access: 'admin' },
  { method: 'GET', path: '/invitations', access: 'admin' },
  { method: 'POST', path: '/invitations', access: 'admin' },
  { method: 'DELETE', path: '/invitations/:id', access: 'admin' },
  { method: 'GET', path: '/sites', access: 'read' },
  { method: 'GET', path: '/sites/:site', access: 'read' },
  { method: 'PUT', path: '/sites/:site', access: 'publish' },
  { method: 'GET', path: '/sites/:site/audit', access: 'read' },
  // The key that signs user ids: whoever holds it can claim to be any user of the site.
  { method: 'GET', path: '/sites/:site/identify-key', access: 'publish' },
  // The Segment write key (HTTP Tracking API): whoever holds it can write events into any profile.
  { method: 'GET', path: '/sites/:site/segment-key', access: 'publish' },
  { method: 'POST', path: '/sites/:site/segment-key/rotate', access: 'publish' },
  { method: 'GET', path: '/sites/:site/profiles/:visitorId', access: 'read' },
  { method: 'POST', path: '/sites/:site/analytics/funnel', access: 'read' },
  { method: 'POST', path: '/sites/:site/analytics/paths', access: 'read' },
  { method: 'POST', path: '/sites/:site/analytics/retention', access: 'read' },
  { method: 'POST', path: '/sites/:site/analytics/sources', access: 'read' },
  { method: 'POST', path: '/sites/:site/analytics/messages', access: 'read' },
  { method: 'POST', path: '/sites/:site/analytics/segment-count', access: 'read' },
  { method: 'GET', path: '/sites/:site/analytics/overview', access: 'read' },
  { method: 'GET', path: '/sites/:site/analytics/stream', access: 'read' },
  { method: 'GET', path: '/sites/:site/analytics/profiles', access: 'read' },
  // Synthetic traffic for the local demo only: a tool for the person at the dashboard, not for CI.
  { method: 'POST', path: '/sites/:site/analytics/_seed', access: 'admin' },
  { method: 'GET', path: '/sites/:site/webhooks/:id/deliveries', access: 'read' },
  { method: 'POST', path: '/sites/:site/webhooks/:id/rotate-secret', access: 'publish' },
  // Webhooks send visitor data out of Waymark: adding, changing or removing one is a publish.
  { method: 'PUT', path: '/sites/:site/webhooks/:id', access: 'publish' },
  { method: 'DELETE', path: '/sites/:site/webhooks/:id', access: 'publish' },
  // Destinations (issue #13, docs/destinations.md): they send visitor data out of Waymark, so every
  // change, a replay and a test send is a publish; reading them, their log and dead letter is a read.
  { method: 'GET', path: '/sites/:site/destinations', access: 'read' },
  { method: 'PUT', path: '/sites/:site/destinations/:id', access: 'publish' },
  { method: 'DELETE', path: '/sites/:site/destinations/:id', access: 'publish' },
  { method: 'GET', path: '/sites/:site/destinations/:id/log', access: 'read' },
  { method: 'GET', path: '/sites/:site/destinations/:id/dead-letters', access: 'read' },
  { method: 'POST', path: '/sites/:site/destinations/:id/dead-letters/replay', access: 'publish' },
  { method: 'POST', path: '/sites/:site/destinations/:id/test', access: 'publish' },
  // E-mail (issue #13, docs/email.md). Templates and settings are a versioned config write, like
  // items (write); the provider token and removing an address from the suppression list send mail
  // where it was refused or to a new provider: publish. Before the generic item rules.
  { method: 'PUT', path: '/sites/:site/email/settings', access: 'write' },
  { method: 'POST', path: '/sites/:site/email/preview', access: 'read' },
  { method: 'POST', path: '/sites/:site/email/test', access: 'write' },
  { method: 'GET', path: '/sites/:site/email/deliveries', access: 'read' },
  { method: 'GET', path: '/sites/:site/email/suppressions', access: 'read' },
  { method: 'POST', path: '/sites/:site/email/suppressions', access: 'write' },
  { method: 'DELETE', path: '/sites/:site/email/suppressions/:address', access: 'publish' },
  { method: 'GET', path: '/sites/:site/email/provider', access: 'read' },
  { method: 'PUT', path: '/sites/:site/email/provider-token', access: 'publish' },
  { method: 'DELETE', path: '/sites/:site/email/provider-token', access: 'publish' },
  // Drafts and versions (docs/drafts-and-versions.md); before the generic item rules, which would
  // match /sites/:site/draft/publish. Publishing the draft needs only write: with the site's
  // requireApproval on, SiteAdmin refuses it (and scheduling) without publish.
  { method: 'GET', path: '/sites/:site/draft', access: 'read' },
  { method: 'DELETE', path: '/sites/:site/draft', access: 'write' },
  { method: 'POST', path: '/sites/:site/draft/publish', access: 'write' },
  { method: 'POST', path: '/sites/:site/draft/submit', access: 'write' },
  { method: 'POST', path: '/sites/:site/draft/approve', access: 'publish' },
  { method: 'POST', path: '/sites/:site/draft/reject', access: 'publish' },
  { method: 'PUT', path: '/sites/:site/draft/schedule', access: 'write' },
  { method: 'DELETE', path: '/sites/:site/draft/schedule', access: 'write' },
  { method: 'PUT', path: '/sites/:site/draft/:collection/:id', access: 'write' },
  { method: 'DELETE', path: '/sites/:site/draft/:collection/:id', access: 'write' },
  { method: 'GET', path: '/sites/:site/versions', access: 'read' },
  { method: 'GET', path: '/sites/:site/versions/:version', access: 'read' },
  // Restoring a version changes the whole site, webhooks and settings included.
  { method: 'POST', path: '/sites/:site/versions/:version/revert', access: 'publish' },
  // QA links and "Preview as" (docs/preview-and-qa.md): a link shows unpublished content (the draft)
  // to whoever holds it, as an editor's check of their own work; it changes nothing visitors see.
  // Before :collection/:id, which would claim DELETE qa-links/:id.
  { method: 'GET', path: '/sites/:site/qa-links', access: 'write' },
  { method: 'POST', path: '/sites/:site/qa-links', access: 'write' },
  { method: 'DELETE', path: '/sites/:site/qa-links/:id', access: 'write' },
  { method: 'POST', path: '/sites/:site/preview', access: 'write' },
  // Audiences (docs/audiences.md): exporting a segment's members is a read; importing traits writes
  // into profiles. Before :collection/:id, which would claim GET trait-imports/:id.
  { method: 'GET', path: '/sites/:site/audiences/:segment/members', access: 'read' },
  { method: 'GET', path: '/sites/:site/audiences/:segment/count', access: 'read' },
  { method: 'GET', path: '/sites/:site/audiences/:segment/export', access: 'read' },
  { method: 'POST', path: '/sites/:site/trait-imports', access: 'write' },
  { method: 'GET', path: '/sites/:site/trait-imports/:id', access: 'read' },
  { method: 'POST', path: '/sites/:site/trait-imports/:id/chunks', access: 'write' },
  { method: 'GET', path: '/sites/:site/:collection/:id', access: 'read' },
  { method: 'PUT', path: '/sites/:site/:collection/:id', access: 'write' },
  { method: 'DELETE', path: '/sites/:site/:collection/:id', access: 'write' },
];

/** What a request needs: its rule's access (admin when none matches) and the `:site` it names, if any. */
export type RouteNeed = { access: RouteAccess; site: string | null; rule: RouteRule | null };

/** Path segments, empty ones kept: `/sites/demo/` or `//` match no rule (the router treats them apart too). */
const segmentsOf = (path: string) => path.replace(/^\//, '').split('/');

/** The rule for `method path` (path under /_wm/admin/api, no query); HEAD is a GET. */
export function routeNeed(method: string, path: string, rules: readonly RouteRule[] = ROUTE_RULES): RouteNeed {
  const asked = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const segments = segmentsOf(path);
  for (const rule of rules) {
    if (rule.method !== asked) continue;
    const pattern = segmentsOf(rule.path);
    if (pattern.length !== segments.length) continue;
    let site: string | null = null;
    const matches = pattern.every((part, i) => {
      const segment = segments[i]!;
      if (!part.startsWith(':')) return part === segment;
      if (part === ':site') site = decodeSegment(segment);
      return segment !== '';
    });
    if (matches) return { access: rule.access, site, rule };
  }
  return { access: 'admin', site: null, rule: null };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// ---- API tokens ----------------------------------------------------------------------------------

/** Every token secret starts with this, so a leaked one is easy to recognize (and to scan for). */
export const TOKEN_PREFIX = 'wm_';
/** `wm_` and 32 random bytes in base64url (256 bits). */
export const TOKEN_SECRET_PATTERN = /^wm_[A-Za-z0-9_-]{43}$/;
export const MAX_API_TOKENS = 100;
export const MAX_TOKEN_SITES = 50;
export const MAX_TOKEN_EXPIRY_DAYS = 3650;
/** "Last used" is written at most this often per token, so a busy CI does not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** A token's public id (in URLs and lists): not the secret. */
export const tokenIdSchema = z.string().regex(/^tok_[A-Za-z0-9_-]{16}$/, 'must be a token id (tok_ and 16 characters)');

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'required')
  .max(64, 'at most 64 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:/@()-]*$/u, 'letters, digits, spaces and . _ : / @ ( ) -, starting with a letter or digit');

/** POST /tokens. `sites` omitted or null: every site; `expiresInDays` omitted or null: never expires. */
export const createTokenBodySchema = z.strictObject({
  name: tokenNameSchema,
  scope: z.enum(TOKEN_SCOPES, { error: `must be one of ${TOKEN_SCOPES.join(', ')}` }),
  sites: z
    .array(siteIdSchema)
    .min(1, 'list at least one site, or send null for every site')
    .max(MAX_TOKEN_SITES, `at most ${MAX_TOKEN_SITES} sites`)
    .refine((sites) => new Set(sites).size === sites.length, 'a site is listed twice')
    .nullable()
    .optional(),
  expiresInDays: z
    .number()
    .int('a whole number of days')
    .min(1, 'at least 1')
    .max(MAX_TOKEN_EXPIRY_DAYS, `at most ${MAX_TOKEN_EXPIRY_DAYS}`)
    .nullable()
    .optional(),
});
export type CreateTokenBody = z.input<typeof createTokenBodySchema>;

/** A token as listed: never its secret or the secret's hash. Times are ISO 8601. */
export const apiTokenInfoSchema = z.strictObject({
  id: tokenIdSchema,
  name: z.string(),
  scope: z.enum(TOKEN_SCOPES),
  /** The sites it may reach, or null for every site. */
  sites: z.array(siteIdSchema).nullable(),
  createdAt: z.iso.datetime(),
  /** Who made it (the session user). */
  createdBy: z.string(),
  /** Null until first used; kept to the minute (LAST_USED_RESOLUTION_MS). */
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
});
export type ApiTokenInfo = z.infer<typeof apiTokenInfoSchema>;

/** GET /tokens. */
export const tokensResponseSchema = z.strictObject({ tokens: z.array(apiTokenInfoSchema) });
export type TokensResponse = z.infer<typeof tokensResponseSchema>;
/** POST /tokens (201): the secret, in this response only. */
export const tokenCreatedResponseSchema = z.strictObject({ token: apiTokenInfoSchema, secret: z.string().regex(TOKEN_SECRET_PATTERN) });
export type TokenCreatedResponse = z.infer<typeof tokenCreatedResponseSchema>;
