// Slot experiments (docs/experiment-stats.md "Slot experiments") through the real worker: visitors
// of a slot with a holdout get the variant or the page's default, the same through collect
// (snippet mode) and proxy mode; both sides are exposures; the goal converts once; a refusal
// records nothing; the Messages report answers with intervals, the split check and the outlook.
import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MessagesReport } from '../../protocol/analytics';
import type { CollectResponse, Decision } from '../../protocol/wire';
import type { BanditTable } from '../src/analytics/bandit';
import type { SiteConfigInput } from '../../protocol/config/site';
import { siteAdmin } from '../src/admin/objects';
import { DEMO_SITE } from '../src/demo/seed';
import worker from '../src/index';
import { inSlotHoldout } from '../src/personalize/slot-experiment';
import { adminCall, adminLogin, makeEvent, me, post, until, visitorCookie } from './helpers';

const UPSTREAM = 'https://origin.slot-experiments.example';
const SITE = `slotx-${Date.now().toString(36)}`;
const HOST = `${SITE}.example`;
const HOLDOUT = 30;
const VISITORS = 60;

function config(): Omit<SiteConfigInput, 'id' | 'version'> {
  const { id: _id, version: _v, ...rest } = structuredClone(DEMO_SITE);
  const slots = rest.slots!.map((slot) =>
    slot.id === 'hero' ? { ...slot, experiment: { holdout: HOLDOUT, goal: { event: 'purchase', withinHours: 24 } } } : slot,
  );
  return { ...rest, slots, proxy: { upstream: UPSTREAM, hostnames: [HOST] } };
}

const PAGE = '<!doctype html><html><head><title>Shop</title></head><body><section data-wm-slot="hero"><h1>Default hero</h1></section></body></html>';

async function visitPage(cookie: string): Promise<string> {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://${HOST}/`, { headers: { accept: 'text/html', cookie } }), env, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  return res.text();
}

type Visitor = { id: string; cookie: string; decisions: Decision[] };
const trailPrefs = () => makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } });
const heroOf = (decisions: Decision[]) => decisions.find((d) => d.kind === 'slot' && d.id === 'hero');

async function newVisitor(headers: Record<string, string> = {}): Promise<Visitor> {
  const res = await post([trailPrefs()], { site: SITE, headers });
  expect(res.status).toBe(200);
  const body = await res.json<CollectResponse>();
  return { id: body.vid?.split('.')[0] ?? '', cookie: visitorCookie(res) ?? '', decisions: body.decisions };
}

const visitors: Visitor[] = [];

beforeAll(async () => {
  const written = await siteAdmin(env, SITE).write(SITE, { kind: 'put-site', config: config() }, 0, 'test');
  if (!written.ok) throw new Error(`site: ${written.error}`);
  for (let i = 0; i < VISITORS; i++) visitors.push(await newVisitor());
});

afterEach(() => vi.restoreAllMocks());

describe('slot experiment: assignment', () => {
  it('holds out exactly the visitors the bucketing says, near the configured percent, through collect', () => {
    for (const v of visitors) expect(heroOf(v.decisions) === undefined, v.id).toBe(inSlotHoldout('hero', HOLDOUT, v.id));
    const held = visitors.filter((v) => !heroOf(v.decisions)).length / VISITORS;
    // 60 visitors at 30%: the standard error is 5.9 points; 20 points is over 3 of them.
    expect(Math.abs(held - HOLDOUT / 100)).toBeLessThan(0.2);
    expect(held).toBeGreaterThan(0);
  });

  it('shows the same visitor the same thing in proxy mode, and again on the next visit (sticky)', async () => {
    for (const v of visitors.slice(0, 12)) {
      const page = await visitPage(v.cookie);
      const filled = page.includes('data-wm-filled="trail-runners"');
      expect(filled, v.id).toBe(!inSlotHoldout('hero', HOLDOUT, v.id));
      expect(page.includes('Default hero'), v.id).toBe(!filled);
      const again = await post([makeEvent({ type: 'page', name: undefined, props: undefined })], { site: SITE, cookie: v.cookie });
      expect(Boolean(heroOf((await again.json<CollectResponse>()).decisions))).toBe(filled);
    }
  });
});

describe('slot experiment: exposures, conversions and the report', () => {
  it('records one exposure per visitor (segment or holdout:segment), converts the goal once, and reports it', async () => {
    const buyers = visitors.filter((_, i) => i % 3 === 0);
    for (const v of buyers) {
      // Twice: the second purchase converts nothing more.
      for (let k = 0; k < 2; k++) expect((await post([makeEvent({ name: 'purchase' })], { site: SITE, cookie: v.cookie })).status).toBe(200);
    }
    const exported = await (await me({ cookie: buyers[0]!.cookie, site: SITE })).json<{ exposures?: { messages: unknown[] } } & Record<string, unknown>>();
    const expected = inSlotHoldout('hero', HOLDOUT, buyers[0]!.id) ? 'holdout:trail-runners' : 'trail-runners';
    expect(JSON.stringify(exported)).toContain(`"slot:hero"`);
    expect(JSON.stringify(exported)).toContain(`"${expected}"`);
    const timeline = JSON.stringify(exported).split('"slot_conversion"').length - 1;
    expect(timeline).toBe(1);

    // A visitor who sends Global Privacy Control gets no personalization: no exposure.
    const refused = await newVisitor({ 'sec-gpc': '1' });
    expect(heroOf(refused.decisions)).toBeUndefined();

    const s = await adminLogin('203.0.113.231');
    const read = async () => {
      const res = await adminCall(s, 'POST', `/sites/${SITE}/analytics/messages`, { from: Date.now() - 3_600_000 });
      expect(res.status, await res.clone().text()).toBe(200);
      return res.json<MessagesReport>();
    };
    const heldIds = new Set(visitors.filter((v) => inSlotHoldout('hero', HOLDOUT, v.id)).map((v) => v.id));
    const heldBuyers = buyers.filter((v) => heldIds.has(v.id)).length;
    const r = await until(read, (x) => {
      const slot = x.slots[0];
      return (
        (slot?.holdout?.exposed ?? 0) + (slot?.variants[0]?.exposed ?? 0) === VISITORS &&
        (slot?.holdout?.converted ?? 0) + (slot?.variants[0]?.converted ?? 0) === buyers.length
      );
    });
    expect(r.messages.some((m) => m.message.startsWith('slot:'))).toBe(false);
    expect(r.slots.map((x) => [x.slot, x.segment])).toEqual([['hero', 'trail-runners']]);
    const hero = r.slots[0]!;
    expect(hero.holdout).toMatchObject({ exposed: heldIds.size, converted: heldBuyers });
    expect(hero.variants.map((v) => [v.variant, v.exposed, v.converted])).toEqual([['personalized', VISITORS - heldIds.size, buyers.length - heldBuyers]]);
    const lift = hero.variants[0]!.lift!;
    expect(lift.interval[0]).toBeLessThanOrEqual(lift.absolute);
    expect(lift.interval[1]).toBeGreaterThanOrEqual(lift.absolute);
    // The always-valid interval is wider than the fixed-horizon one.
    expect(lift.interval[1] - lift.interval[0]).toBeGreaterThan(lift.fixedHorizonInterval[1] - lift.fixedHorizonInterval[0]);
    expect(lift.outlook.status).toBeDefined();
    expect(hero.srm.arms.map((a) => [a.variant, a.expectedShare])).toEqual([
      ['personalized', 0.7],
      ['holdout', 0.3],
    ]);
    expect(['ok', 'not-checked']).toContain(hero.srm.status);
    expect(r.statistic.liftInterval).toBe('always-valid-normal-mixture');
    // The bandit weights (published by the analytics store's alarm) are for messages only.
    await runDurableObjectAlarm(env.ANALYTICS.get(env.ANALYTICS.idFromName(SITE)));
    const table = await env.CONFIG.get<BanditTable>(`bandit:${SITE}`, 'json');
    expect(table).not.toBeNull();
    expect(Object.keys(table!.messages).filter((id) => id.startsWith('slot:'))).toEqual([]);
  });
});
