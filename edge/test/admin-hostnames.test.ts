// Proxy hostnames across per-site objects (issue #14 point 5): each site's SiteAdmin writes its own
// config, so two sites' writes no longer run one after the other in one object. AdminStore checks
// their hostname claims one at a time and reserves a claim from its check until the write is
// published: a second site claiming the same hostname in between gets the 409 too.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { SiteConfigInput } from '../../protocol/config/site';
import { adminStore, siteAdmin } from '../src/admin/objects';
import { DEMO_SITE } from '../src/demo/seed';

const UPSTREAM = 'https://origin.reserve.example';
let n = 0;
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++n}`;
const config = (hostnames?: string[], overrides: Partial<SiteConfigInput> = {}) => {
  const { id: _id, version: _v, ...rest } = { ...DEMO_SITE, ...overrides };
  return { ...rest, proxy: { upstream: UPSTREAM, ...(hostnames ? { hostnames } : {}) } };
};
const write = (id: string, body: unknown, version: number) => siteAdmin(env, id).write(id, { kind: 'put-site', config: body }, version, 'test');

describe('hostname claims across sites', () => {
  it('a claim checked but not yet published holds against another site until its write settles', async () => {
    const host = `${fresh('r')}.example`;
    const a = fresh('reserve-a');
    const b = fresh('reserve-b');
    const created = await write(a, config(), 0);
    if (!created.ok) throw new Error(created.error);

    // A's write has claimed the hostname; its config is not published yet.
    const next = { ...created.config, version: 2, proxy: { upstream: UPSTREAM, hostnames: [host] } };
    expect(await adminStore(env).claimHostnames(a, created.config, next)).toBeNull();
    expect(await env.CONFIG.get(`host:${host}`)).toBe(a);

    const raced = await write(b, config([host]), 0);
    expect(raced).toMatchObject({ ok: false, status: 409, claimedBy: a });

    // A publishes (its own write claims again: a site never conflicts with itself); B is still refused.
    const published = await write(a, config([host]), 1);
    expect(published.ok).toBe(true);
    expect(await write(b, config([host]), 0)).toMatchObject({ ok: false, status: 409, claimedBy: a });

    // Released by A, the hostname is B's to take.
    expect((await write(a, config([]), 2)).ok).toBe(true);
    expect((await write(b, config([host]), 0)).ok).toBe(true);
    expect(await env.CONFIG.get(`host:${host}`)).toBe(b);
  });
});
