/**
 * The move of a site's rows out of the global AdminStore into its own SiteAdmin object. Before
 * per-site objects, AdminStore kept every site's versions, audit entries and webhook delivery log;
 * a SiteAdmin, on its first use, takes its site's rows from there once (AdminStore.legacySite),
 * writes them in one transaction with the "moved" mark, then has AdminStore drop them. A crash
 * between the two leaves AdminStore with rows nobody reads again (the mark is already written).
 *
 * Also the owner of SiteAdmin's table `site_meta` (which site the object holds, whether it moved).
 */
import type { MigratedSql } from '../storage/migrations';
import type { AuditRow } from './audit';
import type { VersionRow } from './site-versions';
import type { WebhookLogRow } from './webhook-log';

/** One site's rows as AdminStore held them. */
export type LegacySite = { versions: VersionRow[]; audit: AuditRow[]; deliveries: WebhookLogRow[] };

/** SiteAdmin migration 1, with the tables it takes over. */
export const SITE_META_TABLE = `CREATE TABLE site_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`;

const SITE_KEY = 'site';
const MOVED_KEY = 'moved_from_admin_store';

export class SiteMeta {
  constructor(private readonly db: MigratedSql) {}

  private get(key: string): string | null {
    return this.db.sql.exec<{ value: string }>('SELECT value FROM site_meta WHERE key = ?', key).toArray()[0]?.value ?? null;
  }

  private set(key: string, value: string): void {
    this.db.sql.exec('INSERT INTO site_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }

  /** The object is named by its site (idFromName); a call for another site is a caller's bug. */
  claim(site: string): void {
    const held = this.get(SITE_KEY);
    if (held === null) this.set(SITE_KEY, site);
    else if (held !== site) throw new Error(`SiteAdmin of site "${held}" was asked about site "${site}"`);
  }

  moved(): boolean {
    return this.get(MOVED_KEY) !== null;
  }

  markMoved(at: number): void {
    this.set(MOVED_KEY, String(at));
  }
}
