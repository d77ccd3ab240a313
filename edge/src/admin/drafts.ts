/**
 * The site's one shared draft (tables `draft_changes` and `draft_state`, in the site's SiteAdmin):
 * its item changes (draft-edit.ts says what they mean), whether it was submitted for review, and
 * when it is scheduled to publish. The only module that runs SQL on those tables.
 */
import type { MigratedSql } from '../storage/migrations';
import type { DraftChange, DraftCollection } from './draft-edit';

/** SiteAdmin migration 2. */
export const DRAFTS_MIGRATION = `
CREATE TABLE draft_changes (
  site TEXT NOT NULL,
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  item TEXT NOT NULL,
  base TEXT NOT NULL,
  by TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (site, collection, id)
);
CREATE TABLE draft_state (
  site TEXT PRIMARY KEY,
  submitted_by TEXT,
  submitted_at INTEGER,
  schedule_at INTEGER,
  scheduled_by TEXT
);
`;

export type DraftState = {
  submitted: { by: string; at: number } | null;
  schedule: { at: number; by: string } | null;
};

type ChangeRow = { collection: string; id: string; item: string; base: string; by: string; at: number };
type StateRow = { submitted_by: string | null; submitted_at: number | null; schedule_at: number | null; scheduled_by: string | null };

export class Drafts {
  constructor(private readonly db: MigratedSql) {}

  /** The draft's changes, oldest first. */
  changes(site: string): DraftChange[] {
    return this.db.sql
      .exec<ChangeRow>('SELECT collection, id, item, base, by, at FROM draft_changes WHERE site = ? ORDER BY at, collection, id', site)
      .toArray()
      .map((r) => ({
        collection: r.collection as DraftCollection,
        id: r.id,
        item: JSON.parse(r.item) as unknown,
        base: JSON.parse(r.base) as unknown,
        by: r.by,
        at: r.at,
      }));
  }

  put(site: string, change: DraftChange): void {
    this.db.sql.exec(
      `INSERT INTO draft_changes (site, collection, id, item, base, by, at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, collection, id) DO UPDATE SET item = excluded.item, by = excluded.by, at = excluded.at`,
      site,
      change.collection,
      change.id,
      JSON.stringify(change.item),
      JSON.stringify(change.base),
      change.by,
      change.at,
    );
  }

  drop(site: string, collection: DraftCollection, id: string): void {
    this.db.sql.exec('DELETE FROM draft_changes WHERE site = ? AND collection = ? AND id = ?', site, collection, id);
  }

  state(site: string): DraftState {
    const row = this.db.sql.exec<StateRow>('SELECT submitted_by, submitted_at, schedule_at, scheduled_by FROM draft_state WHERE site = ?', site).toArray()[0];
    return {
      submitted: row?.submitted_by && row.submitted_at !== null ? { by: row.submitted_by, at: row.submitted_at } : null,
      schedule: row?.schedule_at != null && row.scheduled_by ? { at: row.schedule_at, by: row.scheduled_by } : null,
    };
  }

  private setState(site: string, state: DraftState): void {
    this.db.sql.exec(
      `INSERT INTO draft_state (site, submitted_by, submitted_at, schedule_at, scheduled_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (site) DO UPDATE SET submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at,
         schedule_at = excluded.schedule_at, scheduled_by = excluded.scheduled_by`,
      site,
      state.submitted?.by ?? null,
      state.submitted?.at ?? null,
      state.schedule?.at ?? null,
      state.schedule?.by ?? null,
    );
  }

  /** The object's scheduled publish, if any (the alarm's task; one site per object). */
  scheduled(): { site: string; at: number; by: string } | null {
    const row = this.db.sql
      .exec<{ site: string; schedule_at: number; scheduled_by: string }>(
        'SELECT site, schedule_at, scheduled_by FROM draft_state WHERE schedule_at IS NOT NULL ORDER BY schedule_at LIMIT 1',
      )
      .toArray()[0];
    return row ? { site: row.site, at: row.schedule_at, by: row.scheduled_by } : null;
  }

  submit(site: string, by: string, at: number): void {
    this.setState(site, { ...this.state(site), submitted: { by, at } });
  }

  /** Back to editing (a rejection, or an edit after submitting). */
  unsubmit(site: string): void {
    this.setState(site, { ...this.state(site), submitted: null });
  }

  schedule(site: string, at: number, by: string): void {
    this.setState(site, { ...this.state(site), schedule: { at, by } });
  }

  unschedule(site: string): void {
    this.setState(site, { ...this.state(site), schedule: null });
  }

  /** Published or discarded: no changes, no review, no schedule. */
  clear(site: string): void {
    this.db.sql.exec('DELETE FROM draft_changes WHERE site = ?', site);
    this.db.sql.exec('DELETE FROM draft_state WHERE site = ?', site);
  }
}
