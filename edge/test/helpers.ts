import { SELF } from 'cloudflare:test';
import type { WireEvent } from '../../protocol/wire';

export const ORIGIN = 'http://127.0.0.1:8788';
export const BASE = 'http://127.0.0.1:8788';

let counter = 0;
/** A valid event of the given type with a fresh id. */
export function makeEvent(overrides: Partial<WireEvent> & Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    id: `evt-${Date.now().toString(36)}-${counter.toString().padStart(6, '0')}`,
    type: 'track',
    name: 'add_to_cart',
    ts: Date.now() + counter,
    sid: 'session-test-1',
    url: `${ORIGIN}/product/trail-runner`,
    props: { sku: 'trail-runner', price: 129 },
    ...overrides,
  };
}

export type PostOptions = { headers?: Record<string, string>; site?: string; vid?: string; consent?: unknown; cookie?: string };

export function post(events: unknown[], options: PostOptions = {}): Promise<Response> {
  const { site = 'demo', vid, consent } = options;
  return SELF.fetch(`${BASE}/_wm/e`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: ORIGIN, ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
    body: JSON.stringify({ site, events, ...(vid ? { vid } : {}), ...(consent ? { consent } : {}) }),
  });
}

/** `wm_vid=<token>` from a response's Set-Cookie, ready for a Cookie header. */
export function visitorCookie(response: Response): string | undefined {
  const set = response.headers.get('set-cookie') ?? '';
  const match = set.match(/wm_vid=([^;]*)/);
  return match?.[1] ? `wm_vid=${match[1]}` : undefined;
}

export function me(init: { cookie?: string; token?: string; method?: string; site?: string; origin?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (init.cookie) headers.cookie = init.cookie;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.origin) headers.origin = init.origin;
  return SELF.fetch(`${BASE}/_wm/me?site=${init.site ?? 'demo'}`, { method: init.method ?? 'GET', headers });
}

export const ADMIN_API = `${BASE}/_wm/admin/api`;
export type AdminSession = { cookie: string; csrf: string };

/**
 * Signs in to the admin API with the demo password from `clientIp` (each test file uses its own
 * addresses, so the per-address login lockout of one never meets another's).
 */
export async function adminLogin(clientIp: string): Promise<AdminSession> {
  const res = await SELF.fetch(`${ADMIN_API}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': clientIp },
    body: JSON.stringify({ password: 'waymark-demo' }),
  });
  if (res.status !== 200) throw new Error(`admin login answered ${res.status}`);
  const { csrfToken } = await res.json<{ csrfToken: string }>();
  const cookie = res.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1];
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `wm_admin=${cookie}`, csrf: csrfToken };
}

/** An admin API call with the session's cookie, CSRF token and the site's Origin. */
export function adminCall(s: AdminSession, method: string, path: string, body?: unknown): Promise<Response> {
  return SELF.fetch(`${ADMIN_API}${path}`, {
    method,
    headers: { origin: BASE, cookie: s.cookie, 'x-wm-csrf': s.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** The analytics queue delivers within about a second locally: poll `read` a few seconds until `done`, never asserting timing. */
export async function until<T>(read: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  let last = await read();
  for (let i = 0; i < 100 && !done(last); i++) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}
