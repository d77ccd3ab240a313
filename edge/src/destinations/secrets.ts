/**
 * Destination secrets (table `dest_secrets`, in the site's SiteDestinations object): write-only.
 * Set or replaced through the admin API, read only by the delivery code in this object; answers
 * show `{set, last4}` (secretView), never the value. They are not part of the site config, so no
 * config read, version, diff, draft or export can carry them. The only module that runs SQL on
 * that table.
 */
import type { SecretView } from '../../../protocol/destinations';
import type { MigratedSql } from '../storage/migrations';

export const SECRETS_MIGRATION = `
CREATE TABLE dest_secrets (
  destination TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (destination, name)
);
`;

/** What an answer may show of a secret: that it is set, and its last 4 characters when it is long enough (12+) for that to reveal little. Pure. */
export function secretView(value: string | undefined): SecretView {
  if (value === undefined) return { set: false, last4: null };
  return { set: true, last4: value.length >= 12 ? value.slice(-4) : null };
}

export class DestinationSecrets {
  constructor(private readonly db: MigratedSql) {}

  get(destination: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.db.sql.exec<{ name: string; value: string }>('SELECT name, value FROM dest_secrets WHERE destination = ?', destination))
      out[r.name] = r.value;
    return out;
  }

  set(destination: string, secrets: Record<string, string>, now: number): void {
    for (const [name, value] of Object.entries(secrets)) {
      this.db.sql.exec('INSERT OR REPLACE INTO dest_secrets (destination, name, value, updated_at) VALUES (?, ?, ?, ?)', destination, name, value, now);
    }
  }

  drop(destination: string): void {
    this.db.sql.exec('DELETE FROM dest_secrets WHERE destination = ?', destination);
  }
}
