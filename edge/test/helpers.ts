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
