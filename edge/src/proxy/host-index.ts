/**
 * The hostname → site index of proxy mode, in KV as `host:<hostname>` → site id.
 *
 * Written only by the AdminStore, for each site's write (admin/site-admin.ts): a hostname is
 * claimed by at most one site, which its SQLite table `hostnames` decides (strongly consistent,
 * unlike KV); KV is the edge's read path. A claim is reserved (`pending_until`) from the check until
 * the site's config is published, so a second site's claim in between is refused too. Read by routes/proxy.ts through HostIndex, with an in-isolate cache like
 * config/site-store.ts's. A stale entry is harmless: the proxy serves a site for a hostname only
 * when that site's config lists it.
 */
import type { EditFailure } from '../admin/site-edit';
import type { SiteConfig } from '../../../protocol/config/site';
import { CACHE_MS } from '../config/site-store';
import { claimedHostnames, hostKey, hostnameChanges } from '../../../protocol/config/hostnames';

/** AdminStore migration: which site holds each hostname. */
export const HOSTNAMES_MIGRATION = `CREATE TABLE hostnames (hostname TEXT PRIMARY KEY, site TEXT NOT NULL);`;

/** AdminStore migration: a claim checked but not yet published holds until then (at most PENDING_CLAIM_MS). */
export const HOSTNAME_RESERVATIONS_MIGRATION = `ALTER TABLE hostnames ADD COLUMN pending_until INTEGER;`;

/** A publish that never settles (a crash, a failed KV write) frees its reservation after this. */
export const PENDING_CLAIM_MS = 60_000;

/**
 * The 409 for the first hostname `next` adds that another site holds, or null. The holder is the
 * SQLite claim, else the KV entry (a config written outside the admin); either counts only while
 * that site's config still lists the hostname.
 */
export async function hostnameConflict(
  sql: SqlStorage,
  kv: KVNamespace,
  siteId: string,
  before: SiteConfig | null,
  next: SiteConfig,
  configOf: (id: string) => Promise<SiteConfig | null>,
): Promise<EditFailure | null> {
  const list = claimedHostnames(next);
  const { added } = hostnameChanges(claimedHostnames(before), list);
  for (const host of added) {
    const row = sql.exec<{ site: string; pending_until: number | null }>('SELECT site, pending_until FROM hostnames WHERE hostname = ?', host).toArray()[0];
    const holder = row?.site ?? (await kv.get(hostKey(host)));
    if (!holder || holder === siteId) continue;
    const reserved = row?.site === holder && (row.pending_until ?? 0) > Date.now();
    if (!reserved && !claimedHostnames(await configOf(holder)).includes(host)) continue;
    return {
      ok: false,
      status: 409,
      error: `hostname "${host}" is already served by site "${holder}": remove it there first`,
      issues: [{ path: `proxy.hostnames.${list.indexOf(host)}`, message: `already used by site "${holder}"` }],
      claimedBy: holder,
    };
  }
  return null;
}

/** Before the config is written: the reservations and KV entries for the hostnames it gains (so the edge finds it). */
export async function indexAddedHostnames(sql: SqlStorage, kv: KVNamespace, siteId: string, before: SiteConfig | null, next: SiteConfig): Promise<void> {
  const { added } = hostnameChanges(claimedHostnames(before), claimedHostnames(next));
  const until = Date.now() + PENDING_CLAIM_MS;
  for (const host of added)
    sql.exec(
      'INSERT INTO hostnames (hostname, site, pending_until) VALUES (?, ?, ?) ON CONFLICT (hostname) DO UPDATE SET site = excluded.site, pending_until = excluded.pending_until',
      host,
      siteId,
      until,
    );
  await Promise.all(added.map((host) => kv.put(hostKey(host), siteId)));
}

/** After the config is written: record the claims, release the hostnames it dropped. */
export async function settleHostnames(sql: SqlStorage, kv: KVNamespace, siteId: string, before: SiteConfig | null, next: SiteConfig): Promise<void> {
  const { added, removed } = hostnameChanges(claimedHostnames(before), claimedHostnames(next));
  for (const host of added)
    sql.exec(
      'INSERT INTO hostnames (hostname, site, pending_until) VALUES (?, ?, NULL) ON CONFLICT (hostname) DO UPDATE SET site = excluded.site, pending_until = NULL',
      host,
      siteId,
    );
  for (const host of removed) sql.exec('DELETE FROM hostnames WHERE hostname = ? AND site = ?', host, siteId);
  await Promise.all(
    removed.map(async (host) => {
      try {
        if ((await kv.get(hostKey(host))) === siteId) await kv.delete(hostKey(host));
      } catch (err) {
        // The config no longer lists it, so the proxy ignores the entry; the next write retries.
        console.error(`admin: could not release hostname ${host} of site ${siteId}`, err);
      }
    }),
  );
}

/** Request hostnames seen per isolate are bounded: Host headers come from anyone. */
const MAX_CACHED = 1_000;

/** The edge's read side: which site a request's hostname names, cached for CACHE_MS. */
export class HostIndex {
  private readonly cache = new Map<string, { site: string | null; fetchedAt: number }>();

  constructor(
    private readonly kv: KVNamespace,
    private readonly now: () => number = Date.now,
  ) {}

  async siteFor(hostname: string): Promise<string | null> {
    const cached = this.cache.get(hostname);
    if (cached && this.now() - cached.fetchedAt < CACHE_MS) return cached.site;
    const site = await this.kv.get(hostKey(hostname));
    this.cache.delete(hostname);
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(hostname, { site, fetchedAt: this.now() });
    return site;
  }
}

// One index per KV binding, like http/site-context.ts's site stores.
const indexes = new WeakMap<KVNamespace, HostIndex>();

export function hostIndex(kv: KVNamespace): HostIndex {
  let index = indexes.get(kv);
  if (!index) {
    index = new HostIndex(kv);
    indexes.set(kv, index);
  }
  return index;
}
