/**
 * A shard's funnels through its columnar index (funnel-index.ts), kept in the object's memory:
 * built from the events table on the first funnel query, topped up with the rows stored since
 * (seqs only grow within a shard, events-store.ts), dropped when events are deleted (an erase).
 * A shard whose index would not fit MAX_INDEX_BYTES answers with the SQL (reports.ts) instead:
 * raising the site's shard count keeps shards under it. SqlStorage is a type only.
 */
import { FunnelIndex, INDEX_BYTES_PER_EVENT, INDEX_BYTES_PER_VISITOR, partFromGaps, slicesFromGaps, type FunnelGaps } from './funnel-index';
import type { FunnelPart, GapBounds, GapSlice } from './merge';
import { funnelGaps, funnelPart, type FunnelInput } from './reports';

/** Durable Object memory is 128 MB: the index takes at most this much of it. */
export const MAX_INDEX_BYTES = 48 * 1024 * 1024;

const n = (v: SqlStorageValue | undefined): number => Number(v ?? 0);

export class ShardFunnels {
  private index: FunnelIndex | null = null;
  /** The largest event seq the index holds. */
  private lastSeq = 0;
  /** Bumped whenever the index takes new events (the last answer is reused only for the same query and version). */
  private version = 0;
  private tooBig = false;
  private last: { key: string; f: FunnelGaps } | null = null;

  constructor(
    private readonly sql: () => SqlStorage,
    private readonly maxBytes = MAX_INDEX_BYTES,
  ) {}

  /** Events were deleted or changed: rebuild on the next query. */
  invalidate(): void {
    this.index = null;
    this.tooBig = false;
    this.last = null;
    this.lastSeq = 0;
  }

  /** Whether the next query runs on the index (tests and the bench say which path answered). */
  get indexed(): boolean {
    return this.current() !== null;
  }

  get stats(): { events: number; visitors: number; bytes: number } | null {
    const index = this.current();
    return index && { events: index.events, visitors: index.visitorCount, bytes: index.bytes };
  }

  part(q: FunnelInput): FunnelPart {
    const f = this.gapsOf(q);
    return f ? partFromGaps(f) : funnelPart(this.sql(), q);
  }

  gaps(q: FunnelInput, bounds: GapBounds): GapSlice[] {
    const f = this.gapsOf(q);
    return f ? slicesFromGaps(f, bounds) : funnelGaps(this.sql(), q, bounds);
  }

  /** Round two of a median asks the same query again: its gaps are kept until the next one. */
  private gapsOf(q: FunnelInput): FunnelGaps | null {
    const index = this.current();
    if (!index) return null;
    const key = `${this.version}:${JSON.stringify(q)}`;
    if (this.last?.key === key) return this.last.f;
    const f = index.funnel(q);
    this.last = { key, f };
    return f;
  }

  private current(): FunnelIndex | null {
    if (this.tooBig) return null;
    const sql = this.sql();
    if (!this.index) {
      const events = n(sql.exec<{ c: number }>('SELECT COUNT(*) AS c FROM events').one().c);
      const visitors = n(sql.exec<{ c: number }>('SELECT COUNT(DISTINCT visitor) AS c FROM events').one().c);
      if (events * INDEX_BYTES_PER_EVENT + visitors * INDEX_BYTES_PER_VISITOR > this.maxBytes) {
        this.tooBig = true;
        return null;
      }
      // In storage order: the index groups rows by visitor itself, in linear time.
      this.index = new FunnelIndex();
      this.lastSeq = 0;
      this.take(sql.exec('SELECT seq, visitor, name, path, ts FROM events'));
      return this.index;
    }
    // A range of the primary key: only the rows stored since.
    this.take(sql.exec('SELECT seq, visitor, name, path, ts FROM events WHERE seq > ?', this.lastSeq));
    if (this.index.bytes > this.maxBytes) {
      this.index = null;
      this.last = null;
      this.tooBig = true;
    }
    return this.index;
  }

  private take(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): void {
    const index = this.index!;
    let taken = 0;
    for (const [seq, visitor, name, path, ts] of cursor.raw<[number, string, string, string | null, number]>()) {
      index.add(visitor, name, path, n(ts));
      if (n(seq) > this.lastSeq) this.lastSeq = n(seq);
      taken++;
    }
    if (taken) this.version++;
  }
}
