/**
 * The admin API's OpenAPI document (edge/src/admin/openapi.ts) against the real app:
 *  - every admin route the app mounts is in the document, and every documented operation is mounted;
 *  - every operation, called with valid input (and each route family with a 400 and a 404), answers
 *    a status its declaration lists, with a JSON body that its declared zod schema for that status
 *    accepts (looked up by path + method + status in the routes' own declarations, not a copy);
 *  - the curl walkthrough of docs/openapi.md, parsed from the doc itself, runs as written.
 */
import { routeNeed } from '../../protocol/api-tokens';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { app } from '../src/app';
import { ADMIN_API_PREFIX, adminApi } from '../src/admin/routes';
import { documentedConditionSchema, openApiPath, type OpenApiDocument } from '../src/admin/openapi';
import { conditionSchema } from '../../protocol/config/conditions';
import type { CollectResponse } from '../../protocol/wire';
import walkthroughDoc from '../../docs/openapi.md?raw';
import { ADMIN_API, BASE, ORIGIN, makeEvent, post } from './helpers';
import { vi } from 'vitest'; // destinations: a stand-in provider

type Declared = { method: string; path: string; responses: Record<string, { content?: Record<string, { schema: z.ZodType }> }> };

/** The routes as declared (paths relative to the admin prefix, `{param}` style), by "METHOD /path". */
const declared = new Map<string, Declared>();
for (const def of adminApi.openAPIRegistry.definitions) {
  if (def.type !== 'route') continue;
  const route = def.route as unknown as Declared;
  declared.set(`${route.method.toUpperCase()} ${route.path}`, route);
}

let clients = 0;
type Session = { cookie: string; csrf: string };

/** Operations answered with a 2xx, and the error statuses seen, per declared route. */
const exercised = new Map<string, Set<number>>();

/**
 * Sends one admin request and checks its answer against the route's declaration: the status must
 * be declared, and a JSON body must satisfy the zod schema declared for that status.
 */
async function call(
  s: Session | null,
  method: string,
  operation: string,
  concrete: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const route = declared.get(`${method} ${operation}`);
  if (!route) throw new Error(`${method} ${operation} is not declared`);
  const h: Record<string, string> = {
    origin: BASE,
    'cf-connecting-ip': `192.0.2.${++clients % 250}`,
    ...(s ? { cookie: s.cookie, 'x-wm-csrf': s.csrf } : {}),
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...headers,
  };
  const res = await SELF.fetch(`${ADMIN_API}${concrete}`, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const label = `${method} ${concrete} → ${res.status}`;
  const response = route.responses[String(res.status)];
  expect(response, `${label}: status not declared for ${method} ${operation}`).toBeDefined();
  const schema = response?.content?.['application/json']?.schema;
  let parsed: Record<string, unknown> = {};
  if (schema) {
    expect(res.headers.get('content-type'), label).toMatch(/^application\/json/);
    parsed = await res.json<Record<string, unknown>>();
    const checked = schema.safeParse(parsed);
    expect(
      checked.success ? [] : checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      `${label}: ${JSON.stringify(parsed).slice(0, 400)}`,
    ).toEqual([]);
  } else {
    expect(await res.text(), `${label}: declared without a body`).toBe('');
  }
  const seen = exercised.get(`${method} ${operation}`) ?? new Set<number>();
  seen.add(res.status);
  exercised.set(`${method} ${operation}`, seen);
  return { status: res.status, body: parsed };
}

async function login(): Promise<Session> {
  const res = await SELF.fetch(`${ADMIN_API}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': `198.18.0.${++clients % 250}` },
    body: JSON.stringify({ password: 'waymark-demo' }),
  });
  expect(res.status).toBe(200);
  const body = await res.json<{ csrfToken: string }>();
  const route = declared.get('POST /login')!;
  expect(route.responses['200']!.content!['application/json']!.schema.safeParse(body).success).toBe(true);
  exercised.set('POST /login', new Set([200]));
  const cookie = res.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1];
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `wm_admin=${cookie}`, csrf: body.csrfToken };
}

const documentOf = async (): Promise<OpenApiDocument> => {
  const res = await SELF.fetch(`${ADMIN_API}/openapi.json`);
  expect(res.status).toBe(200);
  return res.json<OpenApiDocument>();
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const operationsOf = (doc: OpenApiDocument): string[] =>
  Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`));

describe('GET /_wm/admin/api/openapi.json', () => {
  it('is an OpenAPI 3.1 document, readable without a session, with the admin API’s headers', async () => {
    const res = await SELF.fetch(`${ADMIN_API}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const doc = await res.json<OpenApiDocument & { components: { securitySchemes: Record<string, { type: string; scheme?: string; name?: string }> } }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.csrf).toMatchObject({ type: 'apiKey', name: 'X-WM-CSRF' });
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
    // The document says what requirePrincipal enforces (protocol/api-tokens.ts ROUTE_RULES): every
    // cookie write names the CSRF header; tokens reach only routes a scope can hold.
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const m of METHODS.filter((x) => x in item)) {
        const op = item[m] as { security?: Record<string, string[]>[]; responses: Record<string, unknown> };
        const { access } = routeNeed(m, path.slice(ADMIN_API_PREFIX.length).replaceAll(/\{(\w+)\}/g, ':$1'));
        const session = m === 'get' ? { session: [] } : { session: [], csrf: [] };
        const open = access === 'public';
        if (open) expect(op.security, `${m} ${path}`).toEqual([]);
        else if (access === 'session' || access === 'admin') expect(op.security, `${m} ${path}`).toEqual([session]);
        else expect(op.security, `${m} ${path}`).toEqual([session, { bearer: [] }]);
        if (!open) expect(Object.keys(op.responses), `${m} ${path}`).toContain('401');
      }
    }
    expect(routeNeed('get', '/openapi.json').access).toBe('public');
    expect((doc.paths[`${ADMIN_API_PREFIX}/tokens`]?.post as { security?: unknown } | undefined)?.security).toEqual([{ session: [], csrf: [] }]);
    expect((doc.paths[`${ADMIN_API_PREFIX}/sites/{site}/{collection}/{id}`]?.put as { security?: unknown } | undefined)?.security).toEqual([
      { session: [], csrf: [] },
      { bearer: [] },
    ]);
  });

  it('lists every admin route the app mounts, and nothing it does not', async () => {
    const doc = await documentOf();
    // app.routes also lists middleware (`use`) and the catch-all 404 as method ALL: not operations.
    const mounted = app.routes
      .filter((r) => r.path.startsWith(`${ADMIN_API_PREFIX}/`) && r.method !== 'ALL')
      .map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`);
    const unique = [...new Set(mounted)].sort();
    expect(unique.length).toBeGreaterThanOrEqual(24);
    expect(unique).toContain(`POST ${ADMIN_API_PREFIX}/sites/{site}/analytics/funnel`);
    expect(operationsOf(doc).sort()).toEqual(unique);
  });

  it('documents the recursive Condition as the validating schema accepts it', () => {
    const leaf = { pref: 'sport', test: { op: 'eq', value: 'trail' } };
    const nest = (depth: number): unknown => (depth === 0 ? leaf : { not: nest(depth - 1) });
    const cases: unknown[] = [
      leaf,
      { all: [leaf, { any: [{ consent: 'analytics' }, { not: { device: 'mobile' } }] }] },
      { everyone: true },
      nest(8),
      { all: [] },
      { any: [leaf, { trait: 'plan' }] },
      { not: { pref: 'sport', test: { op: 'eq' } } },
      { unknown: 1 },
      'vip',
    ];
    for (const c of cases) expect(documentedConditionSchema.safeParse(c).success, JSON.stringify(c)).toBe(conditionSchema.safeParse(c).success);
    // The one difference: the validator stops at 8 levels, which the document says in words.
    expect(conditionSchema.safeParse(nest(9)).success).toBe(false);
  });
});

const SITE = `oas-${Date.now().toString(36)}`;
const VERSION = (b: Record<string, unknown>) => b.version as number;

describe('every operation answers what its declaration says', () => {
  it('sessions, sites, items, webhooks, profiles, analytics: valid input, and a 400 and a 404 per family', async () => {
    // Session
    expect((await call(null, 'GET', '/login', '/login')).status).toBe(200);
    expect((await call(null, 'GET', '/openapi.json', '/openapi.json')).status).toBe(200);
    expect((await call(null, 'POST', '/login', '/login', { pasword: 'typo' })).status).toBe(400);
    expect((await call(null, 'POST', '/login', '/login', { password: 'wrong' })).status).toBe(401);
    expect((await call(null, 'GET', '/session', '/session')).status).toBe(401);
    const s = await login();
    expect((await call(s, 'GET', '/session', '/session')).status).toBe(200);
    expect((await call(s, 'GET', '/sites', '/sites')).status).toBe(200);

    // Sites
    const created = await call(s, 'PUT', '/sites/{site}', `/sites/${SITE}`, { name: 'OpenAPI shop', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
    expect(created.status).toBe(200);
    let version = VERSION(created.body);
    expect((await call(s, 'PUT', '/sites/{site}', `/sites/${SITE}`, { name: 'Stale', version: 0, origins: [], consentPolicy: 'opt-out' })).status).toBe(409);
    expect((await call(s, 'PUT', '/sites/{site}', `/sites/${SITE}`, { name: '', version, origins: [], consentPolicy: 'sometimes' })).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}', `/sites/${SITE}`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}', '/sites/Not_A_Site!')).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}', '/sites/no-such-site')).status).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/identify-key', `/sites/${SITE}/identify-key`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/identify-key', '/sites/no-such-site/identify-key')).status).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/segment-key', `/sites/${SITE}/segment-key`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/segment-key', '/sites/no-such-site/segment-key')).status).toBe(404);
    expect((await call(s, 'POST', '/sites/{site}/segment-key/rotate', `/sites/${SITE}/segment-key/rotate`)).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/segment-key/rotate', '/sites/Bad!/segment-key/rotate')).status).toBe(400);
    // Without the CSRF header a write is refused (403).
    expect((await call(s, 'PUT', '/sites/{site}', `/sites/${SITE}`, { version }, { 'x-wm-csrf': '' })).status).toBe(403);

    // Items: one of each collection, read back; a bad one (400), a missing one (404)
    const item = (collection: string, id: string) => `/sites/${SITE}/${collection}/${id}`;
    const put = async (collection: string, id: string, body: Record<string, unknown>) => {
      const r = await call(s, 'PUT', '/sites/{site}/{collection}/{id}', item(collection, id), { ...body, baseVersion: version });
      expect(r.status, `${collection}/${id}: ${JSON.stringify(r.body)}`).toBe(200);
      version = VERSION(r.body);
      return r.body;
    };
    await put('segments', 'vip', { name: 'VIP', condition: { trait: 'plan', test: { op: 'eq', value: 'gold' } } });
    await put('slots', 'hero', { name: 'Hero', variants: [{ segment: 'vip', priority: 10, content: { type: 'text', text: 'Welcome back' } }] });
    await put('messages', 'welcome', {
      name: 'Welcome',
      type: 'banner',
      segments: ['vip'],
      body: 'Welcome back.',
      variants: [{ id: 'a', weight: 100, title: 'Hello' }],
    });
    const hook = await put('webhooks', 'crm', { name: 'CRM', url: 'https://hooks.example.com/wm', format: 'json' });
    expect(hook.issuedSecret).toMatchObject({ webhook: 'crm' });
    await put('journeys', 'onboarding', {
      name: 'Onboarding',
      entry: { segmentEntered: 'vip' },
      steps: [{ id: 'notify', kind: 'webhook', webhook: 'crm' }],
    });
    for (const [collection, id] of [
      ['segments', 'vip'],
      ['slots', 'hero'],
      ['messages', 'welcome'],
      ['journeys', 'onboarding'],
      ['webhooks', 'crm'],
    ] as const) {
      expect((await call(s, 'GET', '/sites/{site}/{collection}/{id}', item(collection, id))).status).toBe(200);
    }
    expect((await call(s, 'GET', '/sites/{site}/{collection}/{id}', item('segments', 'nope'))).status).toBe(404);
    expect((await call(s, 'PUT', '/sites/{site}/{collection}/{id}', item('segments', 'bad'), { name: '', baseVersion: version })).status).toBe(400);

    // QA links and "Preview as" (qa/admin-routes.ts, docs/preview-and-qa.md)
    const qa = `/sites/${SITE}/qa-links`;
    const qaLink = await call(s, 'POST', '/sites/{site}/qa-links', qa, { label: 'VIP hero', force: { kind: 'slot', slot: 'hero', variant: 'vip' } });
    expect(qaLink.status, JSON.stringify(qaLink.body)).toBe(201);
    const qaId = (qaLink.body as { link: { id: string } }).link.id;
    expect((await call(s, 'POST', '/sites/{site}/qa-links', qa, { force: { kind: 'segment', segment: 'nope' } })).status).toBe(400);
    expect(
      (await call(s, 'POST', '/sites/{site}/qa-links', qa, { force: { kind: 'message', message: 'welcome', variant: 'a' }, expiresInDays: 31 })).status,
    ).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/qa-links', qa)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/qa-links', '/sites/no-such-site/qa-links')).status).toBe(404);
    expect((await call(s, 'DELETE', '/sites/{site}/qa-links/{id}', `${qa}/${qaId}`)).status).toBe(200);
    expect((await call(s, 'DELETE', '/sites/{site}/qa-links/{id}', `${qa}/not-an-id`)).status).toBe(400);
    expect((await call(s, 'DELETE', '/sites/{site}/qa-links/{id}', `${qa}/${'A'.repeat(22)}`)).status).toBe(404);
    const preview = await call(s, 'POST', '/sites/{site}/preview', `/sites/${SITE}/preview`, { force: { kind: 'message', message: 'welcome', variant: 'a' } });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/preview', `/sites/${SITE}/preview`, { force: { kind: 'everything' } })).status).toBe(400);
    expect((await call(s, 'DELETE', '/sites/{site}/{collection}/{id}', `${item('segments', 'vip')}?version=${version}`)).status).toBe(409); // used by the slot
    const deleted = await call(s, 'DELETE', '/sites/{site}/{collection}/{id}', `${item('slots', 'hero')}?version=${version}`);
    expect(deleted.status).toBe(200);
    version = VERSION(deleted.body);
    expect((await call(s, 'DELETE', '/sites/{site}/{collection}/{id}', `${item('slots', 'hero')}?version=${version}`)).status).toBe(404);

    // Webhooks
    const rotated = await call(s, 'POST', '/sites/{site}/webhooks/{id}/rotate-secret', `/sites/${SITE}/webhooks/crm/rotate-secret`, {
      baseVersion: version,
      overlapHours: 2,
    });
    expect(rotated.status).toBe(200);
    version = VERSION(rotated.body);
    expect(
      (
        await call(s, 'POST', '/sites/{site}/webhooks/{id}/rotate-secret', `/sites/${SITE}/webhooks/crm/rotate-secret`, {
          baseVersion: version,
          overlapHours: 999,
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(s, 'POST', '/sites/{site}/webhooks/{id}/rotate-secret', `/sites/${SITE}/webhooks/nope/rotate-secret`, { baseVersion: version })).status,
    ).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/webhooks/{id}/deliveries', `/sites/${SITE}/webhooks/crm/deliveries?limit=10`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/webhooks/{id}/deliveries', `/sites/${SITE}/webhooks/Bad%20Id/deliveries`)).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/webhooks/{id}/deliveries', `/sites/${SITE}/webhooks/nope/deliveries`)).status).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/audit', `/sites/${SITE}/audit?limit=50`)).status).toBe(200);
    // The declared query schema is the one the route parses with: a limit that is not a count is a 400.
    expect((await call(s, 'GET', '/sites/{site}/audit', `/sites/${SITE}/audit?limit=lots`)).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/audit', '/sites/Bad!/audit')).status).toBe(400);

    // Profiles: a visitor of the demo site
    const collected = await post([
      makeEvent({ type: 'identify', name: undefined, props: undefined, userId: 'user-openapi', traits: { plan: 'gold' } }),
      makeEvent({ name: 'add_to_cart', props: { sku: 'trail-runner' } }),
    ]);
    expect(collected.status).toBe(200);
    const visitor = (await collected.json<CollectResponse>()).vid!.split('.')[0]!;
    expect((await call(s, 'GET', '/sites/{site}/profiles/{visitorId}', `/sites/demo/profiles/${visitor}`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/profiles/{visitorId}', '/sites/demo/profiles/not-a-visitor')).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/profiles/{visitorId}', '/sites/demo/profiles/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);

    // Analytics, on synthetic traffic of the demo site
    const a = (path: string) => `/sites/{site}/analytics/${path}`;
    const on = (path: string) => `/sites/demo/analytics/${path}`;
    const now = Date.now();
    const seeded = await call(s, 'POST', a('_seed'), on('_seed'), {
      visitors: 40,
      firstVisitor: 0,
      eventsPerVisitor: 8,
      start: now - 3 * 86_400_000,
      spanMs: 2 * 86_400_000,
      seed: 7,
    });
    expect(seeded.status).toBe(200);
    expect((await call(s, 'POST', a('_seed'), on('_seed'), { visitors: 0 })).status).toBe(400);
    const reports: [string, unknown][] = [
      ['funnel', { steps: [{ page: '/' }, { page: '/cart' }, { event: 'purchase' }] }],
      ['paths', { anchor: { page: '/' } }],
      ['retention', { period: 'day', periods: 4 }],
      ['sources', { goal: 'purchase' }],
      ['messages', {}],
      ['segment-count', { condition: { visitor: 'returning' } }],
    ];
    for (const [path, body] of reports) expect((await call(s, 'POST', a(path), on(path), body)).status, path).toBe(200);
    expect((await call(s, 'POST', a('funnel'), on('funnel'), { steps: [{ page: '/' }] })).status).toBe(400);
    expect((await call(s, 'POST', a('segment-count'), on('segment-count'), { condition: { nope: 1 } })).status).toBe(400);
    expect((await call(s, 'GET', a('overview'), on('overview?minutes=15'))).status).toBe(200);
    expect((await call(s, 'GET', a('overview'), on('overview?minutes=1'))).status).toBe(400);
    expect((await call(s, 'GET', a('stream'), on('stream?limit=20'))).status).toBe(200);
    expect((await call(s, 'GET', a('profiles'), on('profiles?q=user-openapi&by=user'))).status).toBe(200);
    expect((await call(s, 'GET', a('profiles'), on('profiles?q='))).status).toBe(400);
    expect((await call(s, 'GET', a('overview'), '/sites/Bad!/analytics/overview')).status).toBe(400);

    // Tokens (a session only: a token never manages tokens)
    const made = await call(s, 'POST', '/tokens', '/tokens', { name: 'openapi test', scope: 'read', sites: [SITE] });
    expect(made.status).toBe(201);
    const token = made.body as { token: { id: string }; secret: string };
    expect((await call(s, 'POST', '/tokens', '/tokens', { name: '', scope: 'everything' })).status).toBe(400);
    expect((await call(s, 'POST', '/tokens', '/tokens', { name: 'openapi test', scope: 'read' })).status).toBe(409);
    expect((await call(s, 'GET', '/tokens', '/tokens')).status).toBe(200);
    const bearer = { authorization: `Bearer ${token.secret}` };
    expect((await call(null, 'GET', '/sites/{site}', `/sites/${SITE}`, undefined, bearer)).status).toBe(200);
    expect((await call(null, 'GET', '/tokens', '/tokens', undefined, bearer)).status).toBe(403);
    expect((await call(null, 'PUT', '/sites/{site}', `/sites/${SITE}`, { version }, bearer)).status).toBe(403);
    expect((await call(s, 'DELETE', '/tokens/{id}', '/tokens/not-a-token')).status).toBe(400);
    expect((await call(s, 'DELETE', '/tokens/{id}', `/tokens/${token.token.id}`)).status).toBe(204);
    expect((await call(s, 'DELETE', '/tokens/{id}', `/tokens/${token.token.id}`)).status).toBe(404);
    expect((await call(null, 'GET', '/sites/{site}', `/sites/${SITE}`, undefined, bearer)).status).toBe(401);

    expect((await call(s, 'POST', '/logout', '/logout')).status).toBe(204);
    expect((await call(s, 'GET', '/session', '/session')).status).toBe(401);
  });
});

// ---- docs/openapi.md's walkthrough, parsed from the doc ----

type Step = { method: string; path: string; body?: string };

/** The curl commands of the doc's "Walkthrough" section, in order (`\` continuations joined). */
function walkthroughSteps(markdown: string): Step[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Walkthrough'));
  if (!section) throw new Error('docs/openapi.md has no "## Walkthrough" section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n\s*/g, ' '));
  return blocks.flatMap((block) =>
    block
      .split('\n')
      .filter((line) => /\bcurl\b/.test(line))
      .map((line) => {
        const url = /"\$WM_URL(\/[^"]*)"/.exec(line)?.[1];
        if (!url) throw new Error(`no "$WM_URL/…" in: ${line}`);
        const method = /-X (\w+)/.exec(line)?.[1] ?? 'GET';
        const body = /-d '([^']*)'/.exec(line)?.[1];
        return { method, path: url, ...(body !== undefined ? { body } : {}) };
      }),
  );
}

// The team (issue #12 point 4, docs/team.md): users, invitations, and the invitation link's public
// routes, in a test of their own (an invitation's password is hashed with PBKDF2: slow on a busy machine).
describe('every team operation answers what its declaration says', () => {
  it('users and invitations: valid input, a 400, a 404 and a 409 each', async () => {
    const s = await login();
    // The team (issue #12 point 4, docs/team.md): users, invitations, and the invitation link's public routes.
    const invited = await call(s, 'POST', '/invitations', '/invitations', { name: 'openapi-editor', role: 'editor', sites: [SITE] });
    expect(invited.status).toBe(201);
    const invite = invited.body as { invitation: { id: string }; token: string };
    expect((await call(s, 'POST', '/invitations', '/invitations', { name: 'openapi-editor', role: 'editor' })).status).toBe(409);
    expect((await call(s, 'POST', '/invitations', '/invitations', { name: 'x', role: 'owner' })).status).toBe(400);
    expect((await call(s, 'GET', '/invitations', '/invitations')).status).toBe(200);
    expect((await call(null, 'POST', '/invite/check', '/invite/check', { token: invite.token })).status).toBe(200);
    expect((await call(null, 'POST', '/invite/check', '/invite/check', { token: 'short' })).status).toBe(400);
    expect((await call(null, 'POST', '/invite/accept', '/invite/accept', { token: invite.token, password: 'short' })).status).toBe(400);
    expect((await call(null, 'POST', '/invite/accept', '/invite/accept', { token: invite.token, password: 'a long enough password' })).status).toBe(200);
    expect((await call(null, 'POST', '/invite/accept', '/invite/accept', { token: invite.token, password: 'a long enough password' })).status).toBe(404);
    expect((await call(null, 'POST', '/invite/check', '/invite/check', { token: invite.token })).status).toBe(404);
    const second = (await call(s, 'POST', '/invitations', '/invitations', { name: 'openapi-viewer', role: 'viewer' })).body as { invitation: { id: string } };
    expect((await call(s, 'DELETE', '/invitations/{id}', `/invitations/${second.invitation.id}`)).status).toBe(204);
    expect((await call(s, 'DELETE', '/invitations/{id}', `/invitations/${second.invitation.id}`)).status).toBe(404);
    expect((await call(s, 'DELETE', '/invitations/{id}', '/invitations/nope')).status).toBe(400);
    expect((await call(s, 'POST', '/users', '/users', { email: 'openapi@example.com', role: 'viewer' })).status).toBe(201);
    expect((await call(s, 'POST', '/users', '/users', { email: 'openapi@example.com', role: 'viewer' })).status).toBe(409);
    expect((await call(s, 'POST', '/users', '/users', { email: 'not an email', role: 'viewer' })).status).toBe(400);
    expect((await call(s, 'GET', '/users', '/users')).status).toBe(200);
    expect((await call(s, 'PUT', '/users/{name}', '/users/openapi@example.com', { role: 'publisher' })).status).toBe(200);
    expect((await call(s, 'PUT', '/users/{name}', '/users/openapi@example.com', {})).status).toBe(400);
    expect((await call(s, 'PUT', '/users/{name}', '/users/nobody-here', { role: 'viewer' })).status).toBe(404);
    expect((await call(s, 'PUT', '/users/{name}', '/users/admin', { role: 'viewer' })).status).toBe(409);
    expect((await call(s, 'DELETE', '/users/{name}', '/users/openapi@example.com')).status).toBe(204);
    expect((await call(s, 'DELETE', '/users/{name}', '/users/openapi@example.com')).status).toBe(404);
    expect((await call(s, 'DELETE', '/users/{name}', '/users/openapi-editor')).status).toBe(204);
    expect((await call(null, 'GET', '/users', '/users')).status).toBe(401);

    expect((await call(s, 'POST', '/logout', '/logout')).status).toBe(204);
  }, 30_000);
});

describe('docs/openapi.md walkthrough', () => {
  it('runs as written: create a segment, a slot variant and a message, then read a report', async () => {
    const steps = walkthroughSteps(walkthroughDoc);
    const writes = steps.filter((st) => st.method !== 'GET').map((st) => `${st.method} ${st.path}`);
    expect(writes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PUT \/_wm\/admin\/api\/sites\/demo\/segments\//),
        expect.stringMatching(/^PUT \/_wm\/admin\/api\/sites\/demo\/slots\//),
        expect.stringMatching(/^PUT \/_wm\/admin\/api\/sites\/demo\/messages\//),
        expect.stringMatching(/^POST \/_wm\/admin\/api\/sites\/demo\/analytics\/funnel$/),
      ]),
    );
    // As the doc says: a token made in Settings (here by the same API, from a session), then every
    // step with `Authorization: Bearer $WM_TOKEN` and nothing else: no cookie, no CSRF header.
    for (const line of walkthroughDoc
      .split(/^## /m)
      .find((x) => x.startsWith('Walkthrough'))!
      .replace(/\\\n\s*/g, ' ')
      .split('\n')) {
      if (/\bcurl\b/.test(line)) expect(line, 'each walkthrough call sends the token').toContain('-H "Authorization: Bearer $WM_TOKEN"');
    }
    const session = await login();
    const made = await call(session, 'POST', '/tokens', '/tokens', { name: 'walkthrough', scope: 'write' });
    expect(made.status).toBe(201);
    const bearer = { authorization: `Bearer ${(made.body as { secret: string }).secret}` };
    let version: number | undefined;
    for (const step of steps) {
      const concrete = step.path.slice(ADMIN_API_PREFIX.length).replaceAll('$VERSION', String(version));
      const operation = [...declared.values()].find(
        (r) => r.method.toUpperCase() === step.method && new RegExp(`^${r.path.replaceAll(/\{\w+\}/g, '[^/]+')}$`).test(concrete.split('?')[0]!),
      );
      expect(operation, `${step.method} ${step.path} is a documented operation`).toBeDefined();
      const body = step.body === undefined ? undefined : JSON.parse(step.body.replaceAll('$VERSION', String(version)));
      const res = await call(null, step.method, operation!.path, concrete, body, bearer);
      expect(res.status, `${step.method} ${concrete}: ${JSON.stringify(res.body)}`).toBe(200);
      if (typeof res.body.version === 'number') version = res.body.version;
    }
    expect(version).toBeGreaterThan(0);
  });
});

// Drafts and versions (issue #12 point 3; edge/src/admin/draft-routes.ts): each operation with valid
// input, and the 400s, 404s and 409s the family declares.
describe('drafts and versions answer what their declarations say', () => {
  it('draft edit, submit, reject, approve, schedule, cancel, discard, publish; versions, one version, revert', async () => {
    const s = await login();
    const site = `${SITE}-drafts`;
    const created = await call(s, 'PUT', '/sites/{site}', `/sites/${site}`, { name: 'Drafts', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
    expect(created.status).toBe(200);
    const d = (path = '') => `/sites/${site}/draft${path}`;
    const item = '/sites/{site}/draft/{collection}/{id}';
    expect((await call(s, 'GET', '/sites/{site}/draft', d())).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/draft', '/sites/no-such-site/draft')).status).toBe(404);
    expect((await call(s, 'PUT', item, d('/segments/vip'), { name: 'VIP', condition: { everyone: true } })).status).toBe(200);
    expect((await call(s, 'PUT', item, d('/segments/bad'), { name: '' })).status).toBe(400);
    expect(
      (await call(s, 'PUT', item, d('/slots/hero'), { name: 'Hero', variants: [{ segment: 'vip', priority: 1, content: { type: 'text', text: 'Hi' } }] }))
        .status,
    ).toBe(200);
    expect((await call(s, 'DELETE', item, d('/segments/vip'))).status).toBe(409);
    expect((await call(s, 'DELETE', item, d('/segments/nope'))).status).toBe(404);
    expect((await call(s, 'PUT', item, d('/segments/extra'), { name: 'Extra', condition: { everyone: true } })).status).toBe(200);
    expect((await call(s, 'DELETE', item, d('/segments/extra'))).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/draft/approve', d('/approve'))).status).toBe(404);
    expect((await call(s, 'POST', '/sites/{site}/draft/submit', d('/submit'))).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/draft/reject', d('/reject'), { reason: 'not yet' })).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/draft/reject', d('/reject'), { reason: 7 })).status).toBe(400);
    expect((await call(s, 'POST', '/sites/{site}/draft/submit', d('/submit'))).status).toBe(200);
    expect((await call(s, 'PUT', '/sites/{site}/draft/schedule', d('/schedule'), { at: 'soon' })).status).toBe(400);
    expect((await call(s, 'PUT', '/sites/{site}/draft/schedule', d('/schedule'), { at: new Date(Date.now() + 86_400_000).toISOString() })).status).toBe(200);
    expect((await call(s, 'DELETE', '/sites/{site}/draft/schedule', d('/schedule'))).status).toBe(200);
    expect((await call(s, 'DELETE', '/sites/{site}/draft/schedule', d('/schedule'))).status).toBe(404);
    const approved = await call(s, 'POST', '/sites/{site}/draft/approve', d('/approve'));
    expect(approved.status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/draft/publish', d('/publish'))).status).toBe(404);
    expect((await call(s, 'PUT', item, d('/slots/hero'), { name: 'Hero 2', variants: [] })).status).toBe(200);
    expect((await call(s, 'DELETE', '/sites/{site}/draft', d())).status).toBe(200);
    expect((await call(s, 'DELETE', '/sites/{site}/draft', d())).status).toBe(404);
    expect((await call(s, 'PUT', item, d('/slots/hero'), { name: 'Hero 3', variants: [] })).status).toBe(200);
    const published = await call(s, 'POST', '/sites/{site}/draft/publish', d('/publish'));
    expect(published.status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/versions', `/sites/${site}/versions?limit=10`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/versions', `/sites/${site}/versions?limit=lots`)).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/versions/{version}', `/sites/${site}/versions/2`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/versions/{version}', `/sites/${site}/versions/x`)).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/versions/{version}', `/sites/${site}/versions/99`)).status).toBe(404);
    expect((await call(s, 'POST', '/sites/{site}/versions/{version}/revert', `/sites/${site}/versions/2/revert`)).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/versions/{version}/revert', `/sites/${site}/versions/99/revert`)).status).toBe(404);
  }, 60_000);
});

// Destinations (issue #13; edge/src/destinations/routes.ts): each operation with valid input, and
// the 400s, 404s and 409s the family declares. The provider is a stand-in fetch (no network).
describe('destinations answer what their declarations say', () => {
  it('list, put, log, dead letters, replay, test send, delete', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('{"ok":true}', { status: 200 }));
    try {
      const s = await login();
      const site = `${SITE}-destinations`;
      const created = await call(s, 'PUT', '/sites/{site}', `/sites/${site}`, {
        name: 'Destinations',
        version: 0,
        origins: [ORIGIN],
        consentPolicy: 'opt-out',
      });
      expect(created.status).toBe(200);
      let version = VERSION(created.body);
      const one = '/sites/{site}/destinations/{id}';
      const path = (suffix = '') => `/sites/${site}/destinations${suffix}`;
      expect((await call(s, 'GET', '/sites/{site}/destinations', path())).status).toBe(200);
      expect((await call(s, 'GET', '/sites/{site}/destinations', '/sites/no-such-site/destinations')).status).toBe(404);
      const put = await call(s, 'PUT', one, path('/seg'), {
        baseVersion: version,
        name: 'Segment',
        kind: 'segment',
        secrets: { writeKey: 'write-key-0123456789' },
      });
      expect(put.status).toBe(200);
      version = VERSION(put.body);
      expect((await call(s, 'PUT', one, path('/bad'), { baseVersion: version, name: 'Bad', kind: 'carrier-pigeon' })).status).toBe(400);
      expect((await call(s, 'PUT', one, path('/seg'), { baseVersion: version - 1, name: 'Stale', kind: 'segment' })).status).toBe(409);
      expect((await call(s, 'POST', '/sites/{site}/destinations/{id}/test', path('/seg/test'))).status).toBe(200);
      expect((await call(s, 'POST', '/sites/{site}/destinations/{id}/test', path('/nope/test'))).status).toBe(404);
      expect((await call(s, 'GET', '/sites/{site}/destinations/{id}/log', path('/seg/log?limit=5'))).status).toBe(200);
      expect((await call(s, 'GET', '/sites/{site}/destinations/{id}/log', path('/Bad%20Id/log'))).status).toBe(400);
      expect((await call(s, 'GET', '/sites/{site}/destinations/{id}/dead-letters', path('/seg/dead-letters'))).status).toBe(200);
      expect((await call(s, 'GET', '/sites/{site}/destinations/{id}/dead-letters', path('/nope/dead-letters'))).status).toBe(404);
      expect((await call(s, 'POST', '/sites/{site}/destinations/{id}/dead-letters/replay', path('/seg/dead-letters/replay'), {})).status).toBe(200);
      expect((await call(s, 'POST', '/sites/{site}/destinations/{id}/dead-letters/replay', path('/seg/dead-letters/replay'), { eventIds: 'all' })).status).toBe(
        400,
      );
      expect((await call(s, 'DELETE', one, path(`/seg?version=${version - 1}`))).status).toBe(409);
      expect((await call(s, 'DELETE', one, path(`/seg?version=${version}`))).status).toBe(200);
      expect((await call(s, 'DELETE', one, path(`/seg?version=${version + 1}`))).status).toBe(404);
    } finally {
      fetchSpy.mockRestore();
    }
  }, 60_000);
});

// E-mail (issue #13 point 2; edge/src/email/admin-routes.ts): each operation with valid input, and the 400s and 404s it declares.
describe('e-mail operations answer what their declarations say', () => {
  it('settings, preview, test send, delivery log, suppression list, provider token', async () => {
    const s = await login();
    const site = `${SITE}-email`;
    const created = await call(s, 'PUT', '/sites/{site}', `/sites/${site}`, { name: 'E-mail', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
    expect(created.status).toBe(200);
    const e = (path: string) => `/sites/${site}/email${path}`;
    const template = { id: 'hello', name: 'Hello', subject: 'Hi {{ traits.first_name | default: "there" }}', html: '<p>Hi</p>', text: 'Hi' };
    const settings = { templates: [template], sender: { name: 'Shop', address: 'news@shop.example.com' } };
    expect((await call(s, 'PUT', '/sites/{site}/email/settings', e(`/settings?version=${VERSION(created.body)}`), settings)).status).toBe(200);
    expect((await call(s, 'PUT', '/sites/{site}/email/settings', e('/settings?version=1'), settings)).status).toBe(409);
    expect((await call(s, 'PUT', '/sites/{site}/email/settings', e('/settings'), { templates: [{ id: 'Bad Id' }] })).status).toBe(400);
    expect((await call(s, 'PUT', '/sites/{site}/email/settings', '/sites/no-such-site/email/settings', settings)).status).toBe(404);
    expect((await call(s, 'POST', '/sites/{site}/email/preview', e('/preview'), { template: 'hello' })).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/email/preview', e('/preview'), { draft: template, visitorId: 'AAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(404);
    expect((await call(s, 'POST', '/sites/{site}/email/preview', e('/preview'), { template: 'hello', draft: template })).status).toBe(400);
    expect((await call(s, 'POST', '/sites/{site}/email/test', e('/test'), { template: 'hello', to: 'qa@example.com' })).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/email/test', e('/test'), { template: 'hello', to: 'not-an-address' })).status).toBe(400);
    expect((await call(s, 'POST', '/sites/{site}/email/test', e('/test'), { template: 'nope', to: 'qa@example.com' })).status).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/email/deliveries', e('/deliveries?limit=10'))).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/email/deliveries', e('/deliveries?limit=lots'))).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/email/deliveries', '/sites/no-such-site/email/deliveries')).status).toBe(404);
    expect((await call(s, 'POST', '/sites/{site}/email/suppressions', e('/suppressions'), { address: 'gone@example.com' })).status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/email/suppressions', e('/suppressions'), { address: 'x' })).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/email/suppressions', e('/suppressions'))).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/email/suppressions', '/sites/no-such-site/email/suppressions')).status).toBe(404);
    expect((await call(s, 'DELETE', '/sites/{site}/email/suppressions/{address}', e('/suppressions/gone@example.com'))).status).toBe(200);
    expect((await call(s, 'DELETE', '/sites/{site}/email/suppressions/{address}', e('/suppressions/gone@example.com'))).status).toBe(404);
    expect((await call(s, 'DELETE', '/sites/{site}/email/suppressions/{address}', e('/suppressions/nonsense'))).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/email/provider', e('/provider'))).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/email/provider', '/sites/no-such-site/email/provider')).status).toBe(404);
    const set = await call(s, 'PUT', '/sites/{site}/email/provider-token', e('/provider-token'), { token: 're_0123456789abcdef' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ tokenSet: true, tokenLast4: 'cdef' });
    expect(JSON.stringify(set.body)).not.toContain('re_0123456789abcdef');
    expect((await call(s, 'PUT', '/sites/{site}/email/provider-token', e('/provider-token'), { token: 'x' })).status).toBe(400);
    expect((await call(s, 'DELETE', '/sites/{site}/email/provider-token', e('/provider-token'))).status).toBe(200);
    expect((await call(s, 'DELETE', '/sites/{site}/email/provider-token', '/sites/no-such-site/email/provider-token')).status).toBe(404);
  }, 60_000);
});

// Audiences (issue #13 points 3; edge/src/audiences/routes.ts): export pages, count and download,
// trait imports and their chunks, each with valid input, a 400 and a 404.
describe('audiences answer what their declarations say', () => {
  it('members, count, export; trait import, chunk, progress', async () => {
    const s = await login();
    const site = `${SITE}-aud`;
    const created = await call(s, 'PUT', '/sites/{site}', `/sites/${site}`, {
      name: 'Audiences',
      version: 0,
      origins: [ORIGIN],
      consentPolicy: 'opt-out',
      segments: [{ id: 'all', name: 'Everyone', condition: { everyone: true } }],
    });
    expect(created.status).toBe(200);
    const a = (path: string) => `/sites/${site}/audiences${path}`;
    expect((await call(s, 'GET', '/sites/{site}/audiences/{segment}/members', a('/all/members?limit=10&traits=plan'))).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/audiences/{segment}/members', a('/all/members?limit=0'))).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/audiences/{segment}/members', a('/nope/members'))).status).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/audiences/{segment}/count', a('/all/count'))).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/audiences/{segment}/count', a('/nope/count'))).status).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/audiences/{segment}/export', a('/all/export?format=json'))).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/audiences/{segment}/export', a('/all/export?format=pdf'))).status).toBe(400);
    const body = { name: 'crm.csv', sha256: 'ab'.repeat(32), header: ['user_id', 'plan'], totalRows: 2 };
    const job = await call(s, 'POST', '/sites/{site}/trait-imports', `/sites/${site}/trait-imports`, body);
    expect(job.status).toBe(200);
    expect((await call(s, 'POST', '/sites/{site}/trait-imports', `/sites/${site}/trait-imports`, { ...body, header: ['plan'] })).status).toBe(400);
    expect((await call(s, 'POST', '/sites/{site}/trait-imports', `/sites/no-such-site/trait-imports`, body)).status).toBe(404);
    const id = (job.body.job as { id: string }).id;
    const chunks = '/sites/{site}/trait-imports/{id}/chunks';
    expect(
      (
        await call(s, 'POST', chunks, `/sites/${site}/trait-imports/${id}/chunks`, {
          firstRow: 1,
          rows: [
            ['oas-user-1', 'gold'],
            ['', 'x'],
          ],
        })
      ).status,
    ).toBe(200);
    expect((await call(s, 'POST', chunks, `/sites/${site}/trait-imports/${id}/chunks`, { firstRow: 0, rows: [] })).status).toBe(400);
    expect((await call(s, 'POST', chunks, `/sites/${site}/trait-imports/imp_AAAAAAAAAAAAAAAA/chunks`, { firstRow: 1, rows: [['u', 'x']] })).status).toBe(404);
    expect((await call(s, 'GET', '/sites/{site}/trait-imports/{id}', `/sites/${site}/trait-imports/${id}`)).status).toBe(200);
    expect((await call(s, 'GET', '/sites/{site}/trait-imports/{id}', `/sites/${site}/trait-imports/bad`)).status).toBe(400);
    expect((await call(s, 'GET', '/sites/{site}/trait-imports/{id}', `/sites/${site}/trait-imports/imp_AAAAAAAAAAAAAAAA`)).status).toBe(404);
  }, 60_000);
});

describe('coverage', () => {
  // Runs last (tests of a file run in order): each documented operation was answered a 2xx above.
  it('called every documented operation successfully at least once', () => {
    const missing = [...declared.keys()].filter((k) => ![...(exercised.get(k) ?? [])].some((status) => status < 300));
    expect(missing).toEqual([]);
    expect(declared.size).toBeGreaterThanOrEqual(24);
  });
});
