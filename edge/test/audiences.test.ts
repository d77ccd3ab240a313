/**
 * Audiences in and out (docs/audiences.md) in workerd: a site with 3 analytics shards and
 * thousands of stored visitors (fed through the queue consumer), exported page by page and as a
 * stream; traits imported from CSV rows in chunks, with per-row errors, idempotent, landing on
 * the user's golden record and in the analytics store.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AudienceCount, CreateImportResponse, ExportDocument, ImportChunkResponse, ImportJob, MembersPage } from '../../protocol/audiences';
import { parseCsv } from '../../protocol/audiences-csv';
import type { CollectResponse, ProfileExport, WireEvent } from '../../protocol/wire';
import type { EventsMessage } from '../src/analytics/feed';
import { consumeAnalyticsWith } from '../src/analytics/queue';
import { SiteShards } from '../src/analytics/sharded';
import { AudienceReader } from '../src/audiences/export';
import { SiteStore } from '../src/config/site-store';
import { goldenRecordName } from '../src/identity/stitch';
import { adminCall, adminLogin, makeEvent, me, ORIGIN, post, until, visitorCookie, type AdminSession } from './helpers';

const IDENTIFIED = 2_000;
const ANONYMOUS = 500;
const OUTSIDERS = 500;
const now = Date.now();

let clients = 0;
const login = (): Promise<AdminSession> => adminLogin(`203.0.113.${100 + ++clients}`);

async function createSite(s: AdminSession, site: string): Promise<void> {
  const res = await adminCall(s, 'PUT', `/sites/${site}`, {
    name: site,
    version: 0,
    origins: [ORIGIN],
    consentPolicy: 'opt-out',
    analyticsShards: 3,
    segments: [
      { id: 'cart', name: 'Cart', condition: { event: 'add_to_cart', within: '1d' } },
      { id: 'gold', name: 'Gold plan', condition: { trait: 'plan', test: { op: 'eq', value: 'gold' } } },
    ],
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const vid = (n: number) => `aud-visitor-${n.toString().padStart(6, '0')}`;
const ev = (v: string, i: number, e: Record<string, unknown>): WireEvent =>
  ({ id: `${v}-e${i}`, ts: now - 3_600_000 + i, sid: `${v}-s`, url: `${ORIGIN}/shop`, ...e }) as WireEvent;

/** Stores thousands of visitors through the queue consumer: identified cart members, anonymous ones, and visitors outside the segment. */
async function seed(site: string): Promise<void> {
  const messages: EventsMessage[] = [];
  for (let n = 0; n < IDENTIFIED + ANONYMOUS + OUTSIDERS; n++) {
    const v = vid(n);
    const events: WireEvent[] = [ev(v, 0, { type: 'page' })];
    if (n < IDENTIFIED) {
      // Every 100th has a trait that a spreadsheet would run as a formula.
      const plan = n % 100 === 7 ? '=HYPERLINK("http://x")' : n % 2 ? 'gold' : 'silver';
      events.push(ev(v, 1, { type: 'identify', userId: `user-${n}`, traits: { plan, email: `u${n}@example.com` } }));
    }
    if (n < IDENTIFIED + ANONYMOUS) events.push(ev(v, 2, { type: 'track', name: 'add_to_cart' }));
    messages.push({ kind: 'events', site, visitorId: v, receivedAt: now, events, snapshot: null });
  }
  const shards = (s: string) => new SiteShards(env, s, (id) => new SiteStore(env.CONFIG).get(id));
  for (let i = 0; i < messages.length; i += 500) {
    const chunk = messages.slice(i, i + 500).map((body, j) => ({ id: `m-${i + j}`, timestamp: new Date(), attempts: 1, body, ack: () => {}, retry: () => {} }));
    await consumeAnalyticsWith(
      { queue: 'waymark-analytics', messages: chunk, ackAll: () => {}, retryAll: () => {} } as unknown as MessageBatch<unknown>,
      shards,
    );
  }
}

describe('audience export', () => {
  it('pages, counts and streams a segment of thousands of members over 3 shards', async () => {
    const s = await login();
    const site = `aud-${now.toString(36)}`;
    await createSite(s, site);
    await seed(site);

    // Totals.
    const countRes = await adminCall(s, 'GET', `/sites/${site}/audiences/cart/count`);
    expect(countRes.status).toBe(200);
    expect(await countRes.json<AudienceCount>()).toMatchObject({
      segment: 'cart',
      identified: IDENTIFIED,
      anonymous: ANONYMOUS,
      scanned: IDENTIFIED + ANONYMOUS + OUTSIDERS,
    });

    // Pages: a stable cursor over (shard, visitor); no page evaluates or lists more than the limit.
    const users = new Set<string>();
    let anonymous = 0;
    let cursor: string | null = '';
    let pages = 0;
    const shardsSeen = new Set<string>();
    while (cursor !== null) {
      const res = await adminCall(s, 'GET', `/sites/${site}/audiences/cart/members?limit=300&traits=plan${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page: MembersPage = await res.json<MembersPage>();
      expect(page.scanned).toBeLessThanOrEqual(300);
      expect(page.members.length).toBeLessThanOrEqual(300);
      for (const m of page.members) {
        expect(users.has(m.userId)).toBe(false);
        users.add(m.userId);
        expect(Object.keys(m.traits)).toEqual(['plan']);
      }
      anonymous += page.anonymous;
      if (page.next) shardsSeen.add(page.next.split(':')[0]!);
      cursor = page.next;
      pages++;
    }
    expect(users.size).toBe(IDENTIFIED);
    expect(anonymous).toBe(ANONYMOUS);
    expect(pages).toBeGreaterThanOrEqual(10);
    expect([...shardsSeen].sort()).toEqual(['0', '1', '2']);

    // The stream, read incrementally: nothing is read ahead of the reader, and no page exceeds the limit.
    const sizes: number[] = [];
    const segment = { segment: 'cart', condition: { event: 'add_to_cart', within: '1d' } as const, now: Date.now(), traits: ['plan'] };
    const stream = new AudienceReader(new SiteShards(env, site), segment).stream('csv', 250, (members, scanned) => sizes.push(Math.max(members, scanned)));
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('user_id,plan\r\n');
    expect(sizes).toEqual([]); // the header is out; no page was read yet
    let text = '';
    let reads = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      reads++;
      text += decoder.decode(r.value, { stream: true });
      if (reads === 1) {
        const pagesRead = sizes.length;
        await scheduler.wait(50);
        expect(sizes.length).toBe(pagesRead); // nothing read ahead of the reader
      }
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(250);
    expect(sizes.length).toBeGreaterThanOrEqual((IDENTIFIED + ANONYMOUS + OUTSIDERS) / 250);
    expect(reads).toBeGreaterThanOrEqual(IDENTIFIED / 250);
    expect(text.trim().split('\r\n')).toHaveLength(IDENTIFIED);
  }, 120_000);

  it('downloads CSV (formula-safe), JSON and JSON lines with a filename, and refuses bad input with 4xx', async () => {
    const s = await login();
    const site = `aud2-${now.toString(36)}`;
    await createSite(s, site);
    await seed(site);

    const csv = await adminCall(s, 'GET', `/sites/${site}/audiences/cart/export?format=csv&traits=plan,email`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${site}-cart-\\d{8}-\\d{4}\\.csv"$`));
    const parsed = parseCsv(await csv.text());
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.records[0]).toEqual(['user_id', 'plan', 'email']);
    expect(parsed.records).toHaveLength(IDENTIFIED + 1);
    expect(parsed.records).toContainEqual(['user-3', 'gold', 'u3@example.com']);
    expect(parsed.records).toContainEqual(['user-7', `'=HYPERLINK("http://x")`, 'u7@example.com']);

    const json = await adminCall(s, 'GET', `/sites/${site}/audiences/cart/export?format=json`);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const doc = await json.json<ExportDocument>();
    expect(doc).toMatchObject({ segment: 'cart', traits: [], identified: IDENTIFIED, anonymous: ANONYMOUS });
    expect(doc.members).toHaveLength(IDENTIFIED);
    expect(doc.members[0]).toEqual({ userId: expect.stringMatching(/^user-/), traits: {} });

    const lines = (await (await adminCall(s, 'GET', `/sites/${site}/audiences/cart/export?format=jsonl`)).text()).trim().split('\n');
    expect(lines).toHaveLength(IDENTIFIED + 1);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'summary', identified: IDENTIFIED, anonymous: ANONYMOUS });

    expect((await adminCall(s, 'GET', `/sites/${site}/audiences/cart/export?format=xlsx`)).status).toBe(400);
    expect((await adminCall(s, 'GET', `/sites/${site}/audiences/cart/members?cursor=nonsense`)).status).toBe(400);
    expect((await adminCall(s, 'GET', `/sites/${site}/audiences/nope/export`)).status).toBe(404);
    expect((await adminCall(s, 'GET', `/sites/no-such-site/audiences/cart/count`)).status).toBe(404);
  }, 120_000);
});

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('trait import', () => {
  it('applies good rows in chunks, reports bad rows, is idempotent, and the traits reach profiles, segments and exports', async () => {
    const s = await login();
    const site = `imp-${now.toString(36)}`;
    await createSite(s, site);
    const file = 'user_id,plan,city\nimp-user-1,gold,Lyon\n,gold,Paris\nimp-user-3,silver\nimp-user-4,gold,Nantes\n';
    const records = (parseCsv(file) as { ok: true; records: string[][] }).records;
    const [header, ...rows] = records;
    const created = await adminCall(s, 'POST', `/sites/${site}/trait-imports`, { name: 'crm.csv', sha256: await sha256(file), header, totalRows: rows.length });
    expect(created.status, await created.clone().text()).toBe(200);
    const { job, created: isNew } = await created.json<CreateImportResponse>();
    expect(isNew).toBe(true);
    expect(job).toMatchObject({ status: 'running', rowsDone: 0, totalRows: 4 });

    // Two chunks, as the dashboard sends them.
    const chunk = (firstRow: number, part: string[][]) => adminCall(s, 'POST', `/sites/${site}/trait-imports/${job.id}/chunks`, { firstRow, rows: part });
    const one = await (await chunk(1, rows.slice(0, 2))).json<ImportChunkResponse>();
    expect(one.chunk).toEqual({ applied: 1, notStored: 0, errors: [{ row: 2, reason: 'empty user id' }], duplicate: false });
    expect(one.job).toMatchObject({ status: 'running', rowsDone: 2, applied: 1, errorCount: 1 });
    const progress = await (await adminCall(s, 'GET', `/sites/${site}/trait-imports/${job.id}`)).json<ImportJob>();
    expect(progress).toMatchObject({ rowsDone: 2, totalRows: 4 });
    const two = await (await chunk(3, rows.slice(2))).json<ImportChunkResponse>();
    expect(two.chunk.errors).toEqual([{ row: 3, reason: 'has 2 cells; the header has 3' }]);
    expect(two.job).toMatchObject({ status: 'done', rowsDone: 4, applied: 2, errorCount: 2, errors: [{ row: 2 }, { row: 3 }] });

    // Idempotent: the same chunk again counts nothing; the same file again is the same (done) job.
    expect((await (await chunk(3, rows.slice(2))).json<ImportChunkResponse>()).chunk.duplicate).toBe(true);
    const again = await (
      await adminCall(s, 'POST', `/sites/${site}/trait-imports`, { name: 'crm.csv', sha256: await sha256(file), header, totalRows: rows.length })
    ).json<CreateImportResponse>();
    expect(again).toMatchObject({ created: false, job: { id: job.id, status: 'done', applied: 2, errorCount: 2 } });

    // The user's golden record holds the traits (an unknown user id: it was created for them).
    const golden = env.VISITORS.get(env.VISITORS.idFromName(goldenRecordName(site, 'imp-user-1')));
    const traits = await runInDurableObject(golden, async (_i, st) =>
      st.storage.sql.exec<{ key: string; value: string }>('SELECT key, value FROM traits ORDER BY key').toArray(),
    );
    expect(traits.map((t) => [t.key, JSON.parse(t.value)])).toEqual([
      ['city', 'Lyon'],
      ['plan', 'gold'],
    ]);

    // A browser that identifies as that user later sees them.
    const res = await post([makeEvent({ type: 'identify', name: undefined, props: undefined, userId: 'imp-user-1' })], { site });
    expect(res.status).toBe(200);
    expect(((await res.json<CollectResponse>()).vid ?? '').length).toBeGreaterThan(0);
    const profile = await (await me({ site, cookie: visitorCookie(res)! })).json<ProfileExport>();
    expect(profile.traits).toMatchObject({ plan: 'gold', city: 'Lyon' });

    // The analytics store has them too: the "gold" segment's export lists the imported users.
    const exported = await until(
      async () => (await (await adminCall(s, 'GET', `/sites/${site}/audiences/gold/export?format=json&traits=city`)).json<ExportDocument>()).members,
      (members) => members.length >= 2,
    );
    expect(exported.map((m) => m.userId).sort()).toEqual(['imp-user-1', 'imp-user-4']);
    expect(exported.find((m) => m.userId === 'imp-user-4')?.traits).toEqual({ city: 'Nantes' });

    // Bad input: 4xx with a reason, never a 5xx.
    expect((await adminCall(s, 'POST', `/sites/${site}/trait-imports`, { name: 'x.csv', sha256: 'x', header: ['email'], totalRows: 1 })).status).toBe(400);
    expect(
      (
        await chunk(4, [
          ['a', 'b', 'c'],
          ['d', 'e', 'f'],
        ])
      ).status,
    ).toBe(400);
    expect((await adminCall(s, 'GET', `/sites/${site}/trait-imports/imp_AAAAAAAAAAAAAAAA`)).status).toBe(404);
  }, 60_000);
});
