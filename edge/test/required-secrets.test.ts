/**
 * A deployment without its secrets refuses to run rather than run on a guessable one (issue #15
 * point 6; docs/deploy-secrets.md): without WM_SECRET, or with the development secret outside
 * demo mode, the public routes answer 503 saying what to set; without an admin credential the
 * admin login answers 503 saying so. The worker is called directly with its env changed.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { BASE, makeEvent, ORIGIN } from './helpers';

async function call(e: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const batch = (e: Env) =>
  call(e, '/_wm/e', {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: ORIGIN },
    body: JSON.stringify({ site: 'demo', events: [makeEvent()] }),
  });

describe('runtime guard: no secret, no service', () => {
  it('without WM_SECRET a batch gets 503 naming it, and nothing else runs', async () => {
    const { WM_SECRET: _omitted, ...rest } = env;
    const res = await batch(rest as Env);
    expect(res.status).toBe(503);
    expect((await res.json<{ error: string }>()).error).toMatch(/WM_SECRET is missing/);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('the development secret outside demo mode is refused the same way', async () => {
    const res = await batch({ ...env, WM_DEMO: undefined } as Env);
    expect(res.status).toBe(503);
    expect((await res.json<{ error: string }>()).error).toMatch(/development secret.*wrangler secret put WM_SECRET/);
  });

  it('without an admin credential the admin login answers 503 saying which to set', async () => {
    const res = await call({ ...env, WM_ADMIN_PASSWORD_HASH: undefined } as Env, '/_wm/admin/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': '198.51.100.230' },
      body: JSON.stringify({ password: 'waymark-demo' }),
    });
    expect(res.status).toBe(503);
    expect((await res.json<{ error: string }>()).error).toMatch(/WM_ADMIN_PASSWORD_HASH/);
  });
});
