// The move of per-site data out of the global AdminStore (issue #14 point 5): a store left by the
// version before per-site objects (AdminStore migrations 1–4, every site's versions, audit entries
// and webhook delivery log in it) comes up with all of it, found through each site's SiteAdmin,
// which takes its rows once; AdminStore keeps only the list of sites, hostnames and lockout.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AuditResponse, DeliveriesResponse, SitesResponse } from '../../protocol/admin';
import { adminStore, siteAdmin } from '../src/admin/objects';
import { ADMIN_MIGRATIONS } from '../src/admin/schema';
import { DEMO_SITE } from '../src/demo/seed';
import { applyMigrations, type MigratedSql } from '../src/storage/migrations';
import { adminCall, adminLogin } from './helpers';

let n = 0;
const freshSite = () => `legacy-${Date.now().toString(36)}-${++n}`;
const WEBHOOK = DEMO_SITE.webhooks?.[0]?.id ?? 'demo-crm';

const oldConfig = (id: string, version: number) => JSON.stringify({ ...DEMO_SITE, id, name: `Legacy shop v${version}`, version });

/**
 * AdminStore as the version before per-site objects left it: migrations 1–4 only, two versions,
 * two audit entries and three delivery attempts of `site`, a hostname claim and a session.
 */
async function seedOldLayout(site: string): Promise<void> {
  await runInDurableObject(adminStore(env), async (instance, state) => {
    await state.storage.deleteAll();
    const sql = state.storage.sql;
    applyMigrations(sql, ADMIN_MIGRATIONS.slice(0, 4));
    for (const version of [1, 2])
      sql.exec(
        'INSERT INTO site_versions (site, version, name, config, written_at) VALUES (?, ?, ?, ?, ?)',
        site,
        version,
        `Legacy shop v${version}`,
        oldConfig(site, version),
        1_000 * version,
      );
    for (const [seq, after] of [
      [5, 1],
      [9, 2],
    ] as const)
      sql.exec(
        "INSERT INTO audit (seq, site, at, who, action, path, before_version, after_version, changed, summary) VALUES (?, ?, ?, 'admin', 'update', ?, ?, ?, '[\"name\"]', ?)",
        seq,
        site,
        1_000 * after,
        `sites/${site}`,
        after - 1,
        after,
        `version ${after}`,
      );
    for (const attempt of [1, 2, 3])
      sql.exec(
        `INSERT INTO webhook_log (site, webhook, delivery, visitor, journey, step, attempt, at, outcome, status_code, duration_ms, error, next_at)
         VALUES (?, ?, 'd-1', 'visitor-0123456789', 'cart', 'remind', ?, ?, ?, ?, 12, NULL, NULL)`,
        site,
        WEBHOOK,
        attempt,
        10_000 + attempt,
        attempt < 3 ? 'retry' : 'delivered',
        attempt < 3 ? 503 : 200,
      );
    sql.exec("INSERT INTO sessions (id_hash, user, csrf, created_at, expires_at) VALUES ('h', 'admin', 'c', 0, ?)", Date.now() + 60_000);
    // The instance already migrated its schema: from the old layout, its next use migrates again.
    (instance as unknown as { db: MigratedSql }).db.reset();
  });
  // The old version had published v2 to the edge's KV.
  await env.CONFIG.put(`site:${site}`, oldConfig(site, 2));
}

const legacyRowsIn = (site: string) =>
  runInDurableObject(adminStore(env), (_instance, state) =>
    ['site_versions', 'audit', 'webhook_log'].map(
      (table) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE site = ?`, site).one().n,
    ),
  );

const versionsIn = (site: string) =>
  runInDurableObject(siteAdmin(env, site), (_instance, state) =>
    state.storage.sql
      .exec<{ version: number }>('SELECT version FROM site_versions ORDER BY version')
      .toArray()
      .map((r) => r.version),
  );

describe('per-site data moves out of the old global AdminStore', () => {
  it('finds the sites, versions, audit entries and delivery log the old layout held, then writes on from them', async () => {
    const site = freshSite();
    await seedOldLayout(site);
    const s = await adminLogin('192.0.2.61');

    const sites = await (await adminCall(s, 'GET', '/sites')).json<SitesResponse>();
    expect(sites.sites).toContainEqual({ id: site, name: 'Legacy shop v2', version: 2 });

    // The first uses come at once: the site's object takes its rows once, whichever asks first.
    const [config, audit, deliveries] = await Promise.all([
      adminCall(s, 'GET', `/sites/${site}`).then((r) => r.json<{ version: number; site: { name: string } }>()),
      adminCall(s, 'GET', `/sites/${site}/audit`).then((r) => r.json<AuditResponse>()),
      adminCall(s, 'GET', `/sites/${site}/webhooks/${WEBHOOK}/deliveries`).then((r) => r.json<DeliveriesResponse>()),
    ]);
    expect(config).toMatchObject({ version: 2, site: { name: 'Legacy shop v2' } });
    expect(audit.entries.map((e) => [e.seq, e.afterVersion, e.who])).toEqual([
      [9, 2, 'admin'],
      [5, 1, 'admin'],
    ]);
    expect(deliveries.deliveries.map((d) => [d.attempt, d.outcome, d.statusCode, d.visitor])).toEqual([
      [3, 'delivered', 200, 'visitor-'],
      [2, 'retry', 503, 'visitor-'],
      [1, 'retry', 503, 'visitor-'],
    ]);

    // Moved, not copied: AdminStore holds none of the site's rows any more.
    expect(await legacyRowsIn(site)).toEqual([0, 0, 0]);
    expect(await versionsIn(site)).toEqual([1, 2]);

    // The next write starts from the moved history; its audit entry numbers on after the old ones.
    const put = await adminCall(s, 'PUT', `/sites/${site}`, { ...JSON.parse(oldConfig(site, 2)), name: 'Legacy shop v3', version: 2 });
    expect(put.status).toBe(200);
    expect(await versionsIn(site)).toEqual([1, 2, 3]);
    const after = await (await adminCall(s, 'GET', `/sites/${site}/audit`)).json<AuditResponse>();
    expect(after.entries.map((e) => e.afterVersion)).toEqual([3, 2, 1]);
    expect(after.entries[0]!.seq).toBeGreaterThan(9);
    expect((await (await adminCall(s, 'GET', '/sites')).json<SitesResponse>()).sites).toContainEqual({ id: site, name: 'Legacy shop v3', version: 3 });
  });

  it('a delivery attempt reported before any admin read lands after the moved ones', async () => {
    const site = freshSite();
    await seedOldLayout(site);
    await siteAdmin(env, site).recordWebhookAttempt(site, {
      webhook: WEBHOOK,
      delivery: 'd-2',
      visitor: 'visitor-abcdef',
      journey: 'cart',
      step: 'remind',
      attempt: 1,
      at: 20_000,
      outcome: 'delivered',
      statusCode: 200,
      durationMs: 8,
      error: null,
      nextAt: null,
    });
    const log = await siteAdmin(env, site).webhookDeliveries(site, WEBHOOK);
    expect(log.map((d) => d.delivery)).toEqual(['d-2', 'd-1', 'd-1', 'd-1']);
    expect(await legacyRowsIn(site)).toEqual([0, 0, 0]);
  });

  it('a site written after the move never had rows in AdminStore, and AdminStore holds no sessions', async () => {
    const s = await adminLogin('192.0.2.62');
    const site = freshSite();
    const res = await adminCall(s, 'PUT', `/sites/${site}`, { name: 'New shop', version: 0, origins: ['http://127.0.0.1:8788'], consentPolicy: 'opt-out' });
    expect(res.status).toBe(200);
    expect(await legacyRowsIn(site)).toEqual([0, 0, 0]);
    const tables = await runInDurableObject(adminStore(env), (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('sessions', 'site_directory')")
        .toArray()
        .map((r) => r.name),
    );
    expect(tables).toEqual(['site_directory']);
  });
});
