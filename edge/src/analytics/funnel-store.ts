/**
 * A shard's funnels through its columnar index (funnel-index.ts), kept in the object's memory and
 * saved in the `funnel_index` table (this module owns it) as a few blocks, so an object that
 * starts cold loads a few blobs instead of reading every event row. The index covers the events up
 * to a seq; the rows stored since (seqs only grow within a shard, events-store.ts) are read on the
 * next query; an erase drops the index and its saved image (it is rebuilt from the events on the
 * next funnel). A shard whose index would not fit MAX_INDEX_BYTES answers with the SQL
 * (reports.ts) instead: raising the site's shard count keeps shards under it. SqlStorage is a type
 * only.
 */
import { FunnelIndex, INDEX_BYTES_PER_EVENT, INDEX_BYTES_PER_VISITOR, partFromGaps, slicesFromGaps, type FunnelGaps, type IndexImage } from './funnel-index';
import type { FunnelPart, GapBounds, GapSlice } from './merge';
import { funnelGaps, funnelPart, type FunnelInput } from './reports';

/** Durable Object memory is 128 MB: the index takes at most this much of it. */
export const MAX_INDEX_BYTES = 48 * 1024 * 1024;
/** A Durable Object's SQLite row is at most 2 MB: the image is saved in blocks of this many bytes (or characters of JSON, at most 3 bytes each). */
const BLOCK = 512 * 1024;
/** The image is saved again once the index holds this much more than the saved one (so saving costs O(1) per event over time). */
const RESAVE_GROWTH = 0.25;

const n = (v: SqlStorageValue | undefined): number => Number(v ?? 0);
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

type ImageMeta = { lastSeq: number; events: number; visitors: number };

export class ShardFunnels {
  private index: FunnelIndex | null = null;
  /** The largest event seq the index holds. */
  private lastSeq = 0;
  /** Events in the saved image. */
  private saved = 0;
  /** Bumped whenever the index takes new events (the last answer is reused only for the same query and version). */
  private version = 0;
  private tooBig = false;
  private last: { key: string; f: FunnelGaps } | null = null;

  /** `block`: the saved image's block size (tests make it tiny to cross block edges everywhere). */
  constructor(
    private readonly sql: () => SqlStorage,
    private readonly maxBytes = MAX_INDEX_BYTES,
    private readonly block = BLOCK,
  ) {}

  /** Events were deleted or changed: the index and its saved image are rebuilt on the next query. */
  invalidate(): void {
    this.sql().exec('DELETE FROM funnel_index');
    this.index = null;
    this.tooBig = false;
    this.last = null;
    this.lastSeq = 0;
    this.saved = 0;
  }

  /** Whether the next query runs on the index (tests say which path answered). */
  get indexed(): boolean {
    return this.current() !== null;
  }

  get stats(): { events: number; visitors: number; bytes: number; saved: number } | null {
    const index = this.current();
    return index && { events: index.events, visitors: index.visitorCount, bytes: index.bytes, saved: this.saved };
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

  private fits(events: number, visitors: number): boolean {
    return events * INDEX_BYTES_PER_EVENT + visitors * INDEX_BYTES_PER_VISITOR <= this.maxBytes;
  }

  private current(): FunnelIndex | null {
    if (this.tooBig) return null;
    const sql = this.sql();
    if (!this.index) {
      const meta = this.savedMeta(sql);
      if (meta) {
        if (!this.fits(meta.events, meta.visitors)) return this.drop();
        this.index = FunnelIndex.fromImage(this.loadImage(sql));
        this.lastSeq = meta.lastSeq;
        this.saved = meta.events;
      } else {
        const events = n(sql.exec<{ c: number }>('SELECT COUNT(*) AS c FROM events').one().c);
        const visitors = n(sql.exec<{ c: number }>('SELECT COUNT(DISTINCT visitor) AS c FROM events').one().c);
        if (!this.fits(events, visitors)) return this.drop();
        this.index = new FunnelIndex();
        this.lastSeq = 0;
        this.saved = 0;
      }
    }
    // A range of the primary key: only the rows stored since (all of them on a build; the index groups them by visitor itself).
    this.take(sql.exec('SELECT seq, visitor, name, path, ts FROM events WHERE seq > ?', this.lastSeq));
    if (this.index.bytes > this.maxBytes) return this.drop();
    if (this.index.events > 0 && this.index.events >= this.saved * (1 + RESAVE_GROWTH) + 1) this.save(sql, this.index);
    return this.index;
  }

  /** Over the memory bound: the SQL answers until an erase (events only grow otherwise). */
  private drop(): null {
    this.index = null;
    this.last = null;
    this.tooBig = true;
    return null;
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

  private savedMeta(sql: SqlStorage): ImageMeta | null {
    const row = sql.exec<{ data: string }>("SELECT data FROM funnel_index WHERE part = 'meta'").toArray()[0];
    // Written by save() below.
    return row ? (JSON.parse(row.data) as ImageMeta) : null;
  }

  /** The whole image in one synchronous block (one transaction): never half of an old and half of a new one. */
  private save(sql: SqlStorage, index: FunnelIndex): void {
    const image = index.image();
    sql.exec('DELETE FROM funnel_index');
    const put = (part: string, data: ArrayBuffer | string, i = 0) => sql.exec('INSERT INTO funnel_index (part, i, data) VALUES (?, ?, ?)', part, i, data);
    const bytes = (part: string, a: Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>) => {
      for (let at = 0, i = 0; at < a.byteLength; at += BLOCK, i++)
        put(part, a.buffer.slice(a.byteOffset + at, a.byteOffset + Math.min(at + BLOCK, a.byteLength)), i);
    };
    const json = (part: string, value: unknown) => {
      const text = JSON.stringify(value);
      // JSON text is never empty ("[]" at least).
      for (let at = 0, i = 0; at < text.length; i++) {
        // Never between the two halves of a surrogate pair (SQLite would store each half as U+FFFD).
        let end = Math.min(at + this.block, text.length);
        if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
        put(part, text.slice(at, end), i);
        at = end;
      }
    };
    bytes('runStart', image.runStart);
    bytes('keys', image.keys);
    bytes('times', image.times);
    json('visitors', image.visitors);
    json('keyName', image.keyName);
    json('keyPath', image.keyPath);
    const meta: ImageMeta = { lastSeq: this.lastSeq, events: index.events, visitors: index.visitorCount };
    put('meta', JSON.stringify(meta));
    this.saved = index.events;
  }

  private loadImage(sql: SqlStorage): IndexImage {
    const blocks = (part: string) => sql.exec<{ data: SqlStorageValue }>('SELECT data FROM funnel_index WHERE part = ? ORDER BY i', part).toArray();
    const bytes = (part: string): ArrayBuffer => {
      const list = blocks(part).map((r) => r.data as ArrayBuffer);
      const all = new Uint8Array(list.reduce((sum, b) => sum + b.byteLength, 0));
      let at = 0;
      for (const b of list) {
        all.set(new Uint8Array(b), at);
        at += b.byteLength;
      }
      return all.buffer;
    };
    // Written by save() above as JSON arrays.
    const json = <T>(part: string): T =>
      JSON.parse(
        blocks(part)
          .map((r) => String(r.data))
          .join(''),
      ) as T;
    return {
      runStart: new Uint32Array(bytes('runStart')),
      keys: new Uint32Array(bytes('keys')),
      times: new Float64Array(bytes('times')),
      visitors: json<string[]>('visitors'),
      keyName: json<string[]>('keyName'),
      keyPath: json<(string | null)[]>('keyPath'),
    };
  }
}
