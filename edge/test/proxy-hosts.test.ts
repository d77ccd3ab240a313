// Proxy mode by hostname: the AdminStore keeps `host:<hostname>` → site, one site per hostname;
// routes/proxy.ts serves the site the request's hostname names, else WM_PROXY_SITE's.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { siteAdmin } from '../src/admin/objects';
import type { SiteConfigInput } from '../../protocol/config/site';
import { DEMO_SITE } from '../src/demo/seed';
import worker from '../src/index';
import { HostIndex } from '../src/proxy/host-index';
import { CACHE_MS } from '../src/config/site-store';

const UPSTREAM = 'https://origin.hosts.example';
let n = 0;
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++n}`;
const config = (id: string, hostnames?: string[], overrides: Partial<SiteConfigInput> = {}) => {
  const { id: _id, version: _v, ...rest } = { ...DEMO_SITE, ...overrides };
  return { ...rest, proxy: { upstream: UPSTREAM, ...(hostnames ? { hostnames } : {}) } };
};

/** A write through the AdminStore, as the admin API makes it. */
async function write(id: string, body: unknown, version: number) {
  return siteAdmin(env, id).write(id, { kind: 'put-site', config: body }, version, 'test');
}

async function createSite(hostnames?: string[]): Promise<{ id: string; version: number }> {
  const id = fresh('hosts');
  const result = await write(id, config(id, hostnames), 0);
  if (!result.ok) throw new Error(`create ${id}: ${result.error}`);
  return { id, version: result.config.version };
}

const hostEntry = (host: string) => env.CONFIG.get(`host:${host}`);

afterEach(() => vi.restoreAllMocks());

describe('hostnames in the AdminStore', () => {
  it('indexes a site’s hostnames and refuses one another site holds with a 409', async () => {
    const host = `${fresh('a')}.example`;
    const a = await createSite([host, `www.${host}`]);
    expect(await hostEntry(host)).toBe(a.id);
    expect(await hostEntry(`www.${host}`)).toBe(a.id);

    const b = await createSite();
    const taken = await write(b.id, config(b.id, ['free.example', host]), b.version);
    expect(taken).toMatchObject({
      ok: false,
      status: 409,
      error: `hostname "${host}" is already served by site "${a.id}": remove it there first`,
      issues: [{ path: 'proxy.hostnames.1', message: `already used by site "${a.id}"` }],
      claimedBy: a.id,
    });
    expect(await hostEntry(host)).toBe(a.id);
    expect(await hostEntry('free.example')).toBeNull();

    // Once A lets go of it (its entry is deleted), B may claim it.
    const released = await write(a.id, config(a.id, [`www.${host}`]), a.version);
    expect(released.ok).toBe(true);
    expect(await hostEntry(host)).toBeNull();
    const claimed = await write(b.id, config(b.id, [host]), b.version);
    expect(claimed.ok).toBe(true);
    expect(await hostEntry(host)).toBe(b.id);

    // Leaving proxy mode releases every hostname.
    const { proxy: _p, ...noProxy } = config(a.id);
    expect((await write(a.id, noProxy, a.version + 1)).ok).toBe(true);
    expect(await hostEntry(`www.${host}`)).toBeNull();
  });

  it('refuses a malformed hostname list with per-field reasons (400)', async () => {
    const id = fresh('hosts');
    const result = await write(id, config(id, ['ok.example', 'https://shop.example', 'Shop.example', 'a.example:8080', 'ok.example']), 0);
    expect(result.ok).toBe(false);
    if (result.ok || !('issues' in result)) throw new Error('expected issues');
    expect(result.status).toBe(400);
    expect(result.issues).toEqual([
      { path: 'proxy.hostnames.1', message: expect.stringMatching(/no scheme/) },
      { path: 'proxy.hostnames.2', message: 'must be lowercase' },
      { path: 'proxy.hostnames.3', message: expect.stringMatching(/no port/) },
      { path: 'proxy.hostnames.4', message: '"ok.example" is listed twice' },
    ]);
    expect(await hostEntry('ok.example')).toBeNull();
  });
});

describe('HostIndex (the edge’s read side)', () => {
  it('caches a lookup for CACHE_MS, then reads KV again', async () => {
    let now = 1_000;
    const index = new HostIndex(env.CONFIG, () => now);
    const host = `${fresh('cache')}.example`;
    expect(await index.siteFor(host)).toBeNull();
    await env.CONFIG.put(`host:${host}`, 'somesite');
    expect(await index.siteFor(host)).toBeNull();
    now += CACHE_MS;
    expect(await index.siteFor(host)).toBe('somesite');
  });
});

type Seen = { url: string; host: string | null };
function mockUpstream(body: string): Seen[] {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, host: req.headers.get('x-forwarded-host') });
    return new Response(body, { headers: { 'content-type': 'text/html' } });
  });
  return seen;
}

async function visit(url: string, proxySite?: string): Promise<Response> {
  const ctx = createExecutionContext();
  const vars = { ...env, WM_PROXY_SITE: proxySite ?? '' };
  const res = await worker.fetch(new Request(url, { headers: { accept: 'text/html' } }), vars, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('proxy route by hostname', () => {
  it('serves the site whose hostnames list the request’s host, whatever WM_PROXY_SITE says', async () => {
    const host = `${fresh('shop')}.example`;
    const site = await createSite([host]);
    const seen = mockUpstream('<html><head></head><body>origin page</body></html>');
    const res = await visit(`https://${host}/shoes?x=1`, 'demo');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`data-site="${site.id}"`);
    expect(body).toContain('origin page');
    expect(seen).toEqual([{ url: `${UPSTREAM}/shoes?x=1`, host }]);
  });

  it('falls back to WM_PROXY_SITE for an unknown host, and to the static files without it', async () => {
    const fallback = await createSite();
    const seen = mockUpstream('<html><body>fallback origin</body></html>');
    const host = `${fresh('unknown')}.example`;
    const viaVar = await visit(`https://${host}/`, fallback.id);
    expect(await viaVar.text()).toContain(`data-site="${fallback.id}"`);
    expect(seen).toHaveLength(1);

    const none = await visit(`https://${fresh('nobody')}.example/`);
    expect(seen).toHaveLength(1); // no upstream: the worker's own files
    expect(await none.text()).not.toContain('fallback origin');
  });

  it('ignores an index entry whose site does not list the hostname (a stale or stray entry)', async () => {
    const listed = await createSite();
    const host = `${fresh('stray')}.example`;
    await env.CONFIG.put(`host:${host}`, listed.id);
    await env.CONFIG.put(`host:gone-${host}`, 'no-such-site');
    const seen = mockUpstream('<html><body>x</body></html>');
    await visit(`https://${host}/`);
    await visit(`https://gone-${host}/`);
    expect(seen).toHaveLength(0);
  });
});
