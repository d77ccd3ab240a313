/**
 * The admin API's OpenAPI 3.1 document, generated (@hono/zod-openapi) from the very zod schemas the
 * routes validate with and answer in (protocol/admin.ts, protocol/analytics.ts, protocol/config/).
 *
 * Each route is declared once, with `declareRoute`: its method, path, request (params, query, body)
 * and responses (errors included) go to the app's OpenAPI registry, and its handler is mounted on
 * the same method and path. The handler validates with the schemas the declaration names (the
 * same objects), in its own way, so each route keeps its existing 400 reasons; zod-openapi's
 * validators are not used (they would answer other bodies and a 415 of their own).
 *
 * edge/test/openapi.test.ts fails if a mounted admin route is missing from the document, and checks
 * every answer against the schema its route declares for that status.
 */
import type { Handler } from 'hono';
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
// zod-openapi's own metadata store (its dependency): it names schemas as components by instance,
// without the clone `.openapi()` makes, so the protocol's schema objects stay the ones declared.
import { zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { adminErrorBodySchema, redactedSiteConfigSchema, redactedWebhookSchema, siteResponseSchema } from '../../../protocol/admin';
import { stepSchema } from '../../../protocol/analytics';
import { comparisonSchema, conditionSchema, leafSchema, type Condition } from '../../../protocol/config/conditions';
import { journeySchema } from '../../../protocol/config/journeys';
import { messageSchema } from '../../../protocol/config/messages';
import { segmentSchema, slotSchema } from '../../../protocol/config/personalization';
import { siteConfigSchema } from '../../../protocol/config/site';
import { webhookSchema } from '../../../protocol/config/webhooks';
import { routeNeed, type RouteAccess } from '../../../protocol/api-tokens';
import type { AdminEnv } from './auth';

export type AdminApp = OpenAPIHono<AdminEnv>;
export type AdminRoute = RouteConfig & { operationId: string; summary: string; tags: [AdminTag] };

export const ADMIN_TAGS = {
  Session: 'Sign in and out: the session cookie and its CSRF token.',
  Sites: 'Site configurations, their audit log and identify key.',
  Items: 'One segment, slot, message, journey or webhook of a site config (`{collection}`).',
  Webhooks: 'Webhook delivery logs and secret rotation.',
  Destinations:
    'Where stored events are forwarded (GA4, Mixpanel, PostHog, Segment, Amplitude, a signed webhook): write-only secrets, delivery log, dead letter and replay, test sends (docs/destinations.md).',
  Email: 'E-mail steps of journeys: settings, preview, test send, delivery log, suppression list, provider token (docs/email.md).',
  Profiles: 'One visitor’s stored profile.',
  Analytics: 'Journey-analytics reports (protocol/analytics.ts). POSTs take the query as a JSON body.',
  Development: 'Local development only (WM_DEMO); answers 404 in production.',
  Team: 'Users with roles (viewer, editor, publisher, admin) and their invitations (docs/team.md). Managed by admins; the invitation link routes are public.',
  Tokens: 'API tokens (`Authorization: Bearer wm_…`) for scripts and CI: scopes read, write, publish. Managed from a signed-in session only.',
  Reference: 'This document.',
} as const;
export type AdminTag = keyof typeof ADMIN_TAGS;

/**
 * How a caller authenticates. Reads need one of: the session cookie, or a bearer API token.
 * Writes need the cookie AND the X-WM-CSRF header (the csrfToken from login), or a bearer token
 * (tokens need no CSRF header: a browser never sends them by itself).
 */
export const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-wm_admin',
    description:
      'The session cookie POST /login sets (HttpOnly, SameSite=Strict). On plain-http local development it is `wm_admin` (Path=/_wm/admin): browsers refuse the `__Host-` prefix there.',
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: 'X-WM-CSRF',
    description: 'With the session cookie, every write (POST, PUT, DELETE) sends the `csrfToken` from POST /login or GET /session, from the same origin.',
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'wm_…',
    description: 'An API token (`Authorization: Bearer wm_…`), created in the dashboard (Settings → API tokens). Needs no CSRF header.',
  },
} as const;
export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;

type SecurityRequirement = Partial<Record<SecuritySchemeName, string[]>>;

/**
 * Who may call a route, from the one permission table (protocol/api-tokens.ts ROUTE_RULES), so the
 * document cannot disagree with what requirePrincipal enforces: public routes need nothing,
 * session-only and admin routes the cookie (with the CSRF header for writes), the rest the cookie
 * or a token whose scope reaches the route's permission.
 */
export function routeSecurity(method: string, honoRoutePath: string): { security: SecurityRequirement[]; access: RouteAccess } {
  const { access } = routeNeed(method, honoRoutePath);
  const session: SecurityRequirement = method.toUpperCase() === 'GET' ? { session: [] } : { session: [], csrf: [] };
  if (access === 'public') return { security: [], access };
  if (access === 'session' || access === 'admin') return { security: [session], access };
  return { security: [session, { bearer: [] }], access };
}

const ACCESS_MEANINGS: Record<RouteAccess, string> = {
  public: 'No credential needed.',
  session: 'A signed-in browser session only (an API token gets 403).',
  admin: 'A signed-in browser session (admin); API tokens never reach it.',
  read: 'Permission `read`: a session, or an API token of any scope.',
  write: 'Permission `write`: a session, or an API token of scope write or publish.',
  publish: 'Permission `publish`: a session, or an API token of scope publish.',
};

const ERROR_MEANINGS = {
  400: 'The request is invalid: `error` says why, `issues` where (a dotted path into the body or the parameter name).',
  401: 'No session (or API token), or it expired: sign in first.',
  403: 'A write without the X-WM-CSRF header, from another origin, or not allowed.',
  404: 'No such site, item, visitor or route.',
  409: 'The site moved on since the version you edited (`currentVersion`), or the item is in use (`usedBy`) or the hostname is another site’s (`claimedBy`).',
  410: 'The invitation link expired: ask an admin for a new one.',
  413: 'The body is larger than the admin API takes (1 MB).',
  415: 'The body is not JSON (send content-type application/json).',
  429: 'Too many failed logins from this client: try again after `Retry-After` seconds.',
  503: 'Admin login is not configured (or misconfigured) on this deployment.',
} as const;
export type ErrorStatus = keyof typeof ERROR_MEANINGS;

/** JSON responses with one schema (`json(schema, 'what it is')`). */
export function json(schema: z.ZodType, description: string): { description: string; content: { 'application/json': { schema: z.ZodType } } } {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body. */
export function jsonBody(schema: z.ZodType, description?: string): NonNullable<RouteConfig['request']>['body'] {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

/** The refusals a route can answer, each with the one error body every admin route uses. */
export function errors(...statuses: ErrorStatus[]): RouteConfig['responses'] {
  return Object.fromEntries(statuses.map((s) => [String(s), json(adminErrorBodySchema, ERROR_MEANINGS[s])]));
}

/** Hono's path for an OpenAPI path: `{site}` → `:site`. */
export const honoPath = (openApiPath: string): string => openApiPath.replaceAll(/\{(\w+)\}/g, ':$1');
/** The OpenAPI path for a Hono path: `:site` → `{site}`. */
export const openApiPath = (honoRoutePath: string): string => honoRoutePath.replaceAll(/:(\w+)/g, '{$1}');

/** The Hono path of an OpenAPI path, as a type (so a handler's `c.req.param('site')` is typed). */
type HonoPath<S extends string> = S extends `${infer Head}{${infer Name}}${infer Tail}` ? `${Head}:${Name}${HonoPath<Tail>}` : S;

/**
 * Documents `route` in the app's registry and mounts `handler` on its method and path. `mountedAt`:
 * where `app` itself is mounted under the admin API (its permission rules name full paths).
 */
export function declareRoute<const Path extends string>(
  app: AdminApp,
  route: AdminRoute & { path: Path },
  handler: Handler<AdminEnv, HonoPath<Path>>,
  mountedAt = '',
): void {
  const { security, access } = routeSecurity(route.method, honoPath(mountedAt + route.path));
  const description = [route.description, ACCESS_MEANINGS[access]].filter(Boolean).join('\n\n');
  app.openAPIRegistry.registerPath({ ...route, security, description });
  app.on(route.method.toUpperCase(), honoPath(route.path), handler);
}

/** Gives a protocol schema (this very instance) a component name: the document then `$ref`s it. */
function nameComponent(schema: z.ZodType, name: string): void {
  zodToOpenAPIRegistry.add(schema, { _internal: { refId: name } });
}

/**
 * A segment condition, as the document describes it: a leaf test, or all / any / not of
 * conditions. The validating `conditionSchema` (protocol/config/conditions.ts) unrolls the same
 * recursion to a fixed depth with fresh `z.lazy` schemas at every level, which a generator cannot
 * name and would expand exponentially; this one recurses through itself, and both carry the name
 * `Condition`, so every use is one `$ref`. edge/test/openapi.test.ts checks that the two accept and
 * refuse the same conditions.
 */
export const documentedConditionSchema: z.ZodType<Condition> = z
  .union([
    leafSchema,
    z.strictObject({
      all: z
        .array(z.lazy(() => documentedConditionSchema))
        .min(1)
        .max(50),
    }),
    z.strictObject({
      any: z
        .array(z.lazy(() => documentedConditionSchema))
        .min(1)
        .max(50),
    }),
    z.strictObject({ not: z.lazy(() => documentedConditionSchema) }),
  ])
  .describe('A leaf test, or `all` / `any` / `not` of conditions (nested at most 8 deep).');

/** The components, the security schemes and the recursive Condition, registered once on the app that generates the document. */
export function registerComponents(app: AdminApp): void {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) app.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
  nameComponent(documentedConditionSchema, 'Condition');
  nameComponent(conditionSchema, 'Condition');
  // Generated before the routes (schema definitions come first), so every later use is a $ref.
  app.openAPIRegistry.register('Condition', documentedConditionSchema);
  const named: [z.ZodType, string][] = [
    [leafSchema, 'ConditionLeaf'],
    [comparisonSchema, 'Comparison'],
    [segmentSchema, 'Segment'],
    [slotSchema, 'Slot'],
    [messageSchema, 'Message'],
    [journeySchema, 'Journey'],
    [webhookSchema, 'Webhook'],
    [redactedWebhookSchema, 'RedactedWebhook'],
    [siteConfigSchema, 'SiteConfig'],
    [redactedSiteConfigSchema, 'RedactedSiteConfig'],
    [siteResponseSchema, 'SiteResponse'],
    [adminErrorBodySchema, 'AdminError'],
    [stepSchema, 'Step'],
  ];
  for (const [schema, name] of named) nameComponent(schema, name);
}

/** The document's paths are the full paths under `prefix` (what `curl` and the routes list see). */
export function generateDocument(app: AdminApp, prefix: string): OpenApiDocument {
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Waymark admin API',
      version: '1',
      description:
        'The API the Waymark dashboard uses: site configs and their items (segments, slots, messages, journeys, webhooks), profiles and journey-analytics reports. Every answer is JSON and never cached. Errors share one body: `{"error": "…", "issues": [{"path", "message"}]}`.',
    },
    tags: Object.entries(ADMIN_TAGS).map(([name, description]) => ({ name, description })),
  });
  const paths = Object.fromEntries(Object.entries(doc.paths ?? {}).map(([path, item]) => [`${prefix}${path}`, item]));
  return { ...doc, paths } as OpenApiDocument;
}

/** The parts of the generated document its readers here use (the full type is openapi3-ts's). */
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
};
