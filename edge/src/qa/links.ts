/**
 * The QA link table (`qa_links`), in the site's SiteAdmin object: what each link forces, whether it
 * shows the draft, when it expires and whether it was revoked. The only module that runs SQL on
 * it. Every QA request looks its link up here (no cache), so a revocation holds from the next
 * request on; the signed token (token.ts) only says which row to read.
 *
 * `kind` 'link': a shareable QA link (listed, revocable); 'preview': the dashboard's "Preview as"
 * frame (not listed, gone within PREVIEW_MINUTES).
 */
import { MAX_QA_LINKS, qaForceSchema, type QaForce } from '../../../protocol/qa';
import type { MigratedSql } from '../storage/migrations';

/** SiteAdmin migration: the table and its per-site index. */
export const QA_LINKS_MIGRATION = `
CREATE TABLE qa_links (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  force TEXT NOT NULL,
  draft INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX qa_links_by_site ON qa_links (site, kind, created_at);
`;

/** Expired or revoked rows are kept this long (the list shows them), then pruned. */
const KEEP_ENDED_MS = 30 * 86_400_000;

export type QaLinkKind = 'link' | 'preview';

export type QaLinkRecord = {
  id: string;
  kind: QaLinkKind;
  label: string;
  force: QaForce;
  draft: boolean;
  createdAt: number;
  createdBy: string;
  expiresAt: number;
  revokedAt: number | null;
};

type Row = {
  id: string;
  kind: string;
  label: string;
  force: string;
  draft: number;
  created_at: number;
  created_by: string;
  expires_at: number;
  revoked_at: number | null;
};

function fromRow(r: Row): QaLinkRecord | null {
  let force: unknown;
  try {
    force = JSON.parse(r.force);
  } catch {
    return null;
  }
  const parsed = qaForceSchema.safeParse(force);
  if (!parsed.success) return null; // a row the current schema no longer reads forces nothing
  return {
    id: r.id,
    kind: r.kind === 'preview' ? 'preview' : 'link',
    label: r.label,
    force: parsed.data,
    draft: r.draft === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

/** Whether a link forces anything at `now`. */
export const isLive = (link: QaLinkRecord, now: number): boolean => link.revokedAt === null && link.expiresAt > now;

export class QaLinks {
  constructor(private readonly db: MigratedSql) {}

  /** Adds a link, pruning long-ended ones first; false when the site holds MAX_QA_LINKS already. */
  create(site: string, link: QaLinkRecord, now: number): boolean {
    const sql = this.db.sql;
    sql.exec('DELETE FROM qa_links WHERE site = ? AND (expires_at < ? OR revoked_at < ?)', site, now - KEEP_ENDED_MS, now - KEEP_ENDED_MS);
    // Previews end within the hour: they go as soon as they do.
    sql.exec("DELETE FROM qa_links WHERE site = ? AND kind = 'preview' AND expires_at < ?", site, now);
    const count = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM qa_links WHERE site = ?', site).one().n;
    if (count >= MAX_QA_LINKS) return false;
    sql.exec(
      'INSERT INTO qa_links (id, site, kind, label, force, draft, created_at, created_by, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)',
      link.id,
      site,
      link.kind,
      link.label,
      JSON.stringify(link.force),
      link.draft ? 1 : 0,
      link.createdAt,
      link.createdBy,
      link.expiresAt,
    );
    return true;
  }

  /** The site's shareable links, newest first (previews are not listed). */
  list(site: string): QaLinkRecord[] {
    return this.db.sql
      .exec<Row>("SELECT * FROM qa_links WHERE site = ? AND kind = 'link' ORDER BY created_at DESC, id", site)
      .toArray()
      .map(fromRow)
      .filter((l): l is QaLinkRecord => l !== null);
  }

  get(site: string, id: string): QaLinkRecord | null {
    const row = this.db.sql.exec<Row>('SELECT * FROM qa_links WHERE site = ? AND id = ?', site, id).toArray()[0];
    return row ? fromRow(row) : null;
  }

  /** Revokes a shareable link (once: the first time is kept); null when there is no such link. */
  revoke(site: string, id: string, now: number): QaLinkRecord | null {
    this.db.sql.exec("UPDATE qa_links SET revoked_at = ? WHERE site = ? AND id = ? AND kind = 'link' AND revoked_at IS NULL", now, site, id);
    const link = this.get(site, id);
    return link && link.kind === 'link' ? link : null;
  }
}
