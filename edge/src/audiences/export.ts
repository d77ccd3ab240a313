/**
 * Audience export (docs/audiences.md): a segment's members, evaluated over the site's analytics
 * shards with the segment count's rules and facts (analytics/segment-count.ts), page by page. The
 * cursor is (shard, visitor id): visitors are read in id order (the primary key), so pages are
 * stable while new visitors arrive (a visitor stored behind the cursor is simply not in this
 * export). The stream pulls one page at a time (back-pressure: the next page is read only when the
 * client has taken the last one), so a site with 100k+ members never buffers its list.
 *
 * Identified members are listed by user id, each once per export (a user seen in several browsers
 * is one member; the paged API lists each browser's row, see `page`); anonymous members are counted.
 */
import type { AudienceCount, AudienceMember, ExportFormat, MembersPage } from '../../../protocol/audiences';
import { AUDIENCE_PAGE_MAX } from '../../../protocol/audiences';
import { csvRecord } from '../../../protocol/audiences-csv';
import type { Condition } from '../../../protocol/config/conditions';
import type { PropValue } from '../../../protocol/wire';
import type { MembersPart } from '../analytics/segment-count';
import type { SiteShards } from '../analytics/sharded';
import { shardCount } from '../analytics/shards';

export type AudienceQuery = { segment: string; condition: Condition; now: number; traits: readonly string[] };

/** `<shard>:<visitor>` (protocol/audiences.ts audienceCursorSchema) → where to start. */
export function parseCursor(cursor: string | undefined): { shard: number; after: string | null } {
  if (!cursor) return { shard: 0, after: null };
  const at = cursor.indexOf(':');
  const after = cursor.slice(at + 1);
  return { shard: Number(cursor.slice(0, at)), after: after === '' ? null : after };
}

/** The cursor after a part of shard `shard`, or null after the last shard. */
export function nextCursor(shard: number, part: Pick<MembersPart, 'last'>, shards: number): string | null {
  if (part.last !== null) return `${shard}:${part.last}`;
  return shard + 1 < shards ? `${shard + 1}:` : null;
}

export class AudienceReader {
  constructor(
    private readonly shards: SiteShards,
    private readonly q: AudienceQuery,
  ) {}

  private async part(shard: number, after: string | null, limit: number): Promise<MembersPart> {
    return this.shards.stub(shard).segmentMembersPart(this.q.condition, this.q.now, after, limit, [...this.q.traits]);
  }

  /** One page: at most `limit` visitors evaluated (so at most `limit` members), from `cursor`. */
  async page(cursor: string | undefined, limit: number): Promise<MembersPage> {
    const shards = shardCount(await this.shards.history());
    const { shard, after } = parseCursor(cursor);
    if (shard >= shards) return { segment: this.q.segment, members: [], anonymous: 0, scanned: 0, next: null };
    const part = await this.part(shard, after, limit);
    // Written by segmentMembersPart from the stored (validated) traits.
    const members = part.members.map((m) => ({ userId: m.userId, traits: JSON.parse(m.traits) as Record<string, PropValue> }));
    return { segment: this.q.segment, members, anonymous: part.anonymous, scanned: part.scanned, next: nextCursor(shard, part, shards) };
  }

  /** Totals over every shard (shards in parallel, pages in turn). */
  async count(): Promise<AudienceCount> {
    const users = new Set<string>();
    let anonymous = 0;
    let scanned = 0;
    await this.shards.all(async (_stub, shard) => {
      let after: string | null = null;
      do {
        const part: MembersPart = await this.part(shard, after, AUDIENCE_PAGE_MAX);
        for (const m of part.members) users.add(m.userId);
        anonymous += part.anonymous;
        scanned += part.scanned;
        after = part.last;
      } while (after !== null);
    });
    return { segment: this.q.segment, identified: users.size, anonymous, scanned, at: this.q.now };
  }

  /**
   * The whole list as a byte stream in `format`, read page by page on demand. `onPage` sees each
   * page's size (tests check no page exceeds the limit).
   */
  stream(format: ExportFormat, limit: number, onPage?: (members: number, scanned: number) => void): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    const writer = formatWriter(format, this.q);
    const seen = new Set<string>();
    let anonymous = 0;
    let cursor: string | undefined;
    let started = false;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (!started) {
            started = true;
            controller.enqueue(encoder.encode(writer.head()));
            return;
          }
          // Pages until one gives bytes: a pull that enqueues nothing is not called again.
          for (;;) {
            const page = await this.page(cursor, limit);
            onPage?.(page.members.length, page.scanned);
            anonymous += page.anonymous;
            let text = '';
            for (const m of page.members) {
              if (seen.has(m.userId)) continue;
              text += writer.member(m, seen.size === 0);
              seen.add(m.userId);
            }
            if (page.next === null) {
              controller.enqueue(encoder.encode(text + writer.tail(seen.size, anonymous)));
              controller.close();
              return;
            }
            cursor = page.next;
            if (text) {
              controller.enqueue(encoder.encode(text));
              return;
            }
          }
        },
      },
      // One page ahead at most.
      { highWaterMark: 0 },
    );
  }
}

type Writer = { head: () => string; member: (m: AudienceMember, first: boolean) => string; tail: (identified: number, anonymous: number) => string };

/**
 * csv: `user_id,<traits…>` then one record per member (the counts are in /count and the dashboard);
 * json: one document, `members` streamed, the counts after them; jsonl: one member per line, then
 * a last line `{"type":"summary",…}`.
 */
function formatWriter(format: ExportFormat, q: AudienceQuery): Writer {
  const traits = [...q.traits];
  switch (format) {
    case 'csv':
      return {
        head: () => csvRecord(['user_id', ...traits]),
        member: (m) => csvRecord([m.userId, ...traits.map((t) => m.traits[t])]),
        tail: () => '',
      };
    case 'json':
      return {
        head: () => `{"segment":${JSON.stringify(q.segment)},"at":${q.now},"traits":${JSON.stringify(traits)},"members":[`,
        member: (m, first) => `${first ? '' : ','}\n${JSON.stringify(m)}`,
        tail: (identified, anonymous) => `\n],"identified":${identified},"anonymous":${anonymous}}\n`,
      };
    case 'jsonl':
      return {
        head: () => '',
        member: (m) => `${JSON.stringify({ type: 'member', ...m })}\n`,
        tail: (identified, anonymous) => `${JSON.stringify({ type: 'summary', segment: q.segment, at: q.now, identified, anonymous })}\n`,
      };
  }
}

/** `demo-cart-abandoners-20261207-1502.csv` */
export function exportFilename(site: string, segment: string, format: ExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 16).replaceAll('-', '').replace('T', '-').replace(':', '');
  return `${site}-${segment}-${stamp}.${format}`;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};
