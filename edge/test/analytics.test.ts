/**
 * Journey analytics, end to end in workerd: hand-made visitor timelines go into a site's
 * SiteAnalytics (the queue consumer's RPC), reports come out of the admin API, and every number
 * below is computed by hand from the timelines. The last tests take the real path:
 * POST /_wm/e -> queue -> store, and DELETE /_wm/me -> erase.
 */
import { SELF, runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type {
  FunnelReport,
  MessagesReport,
  OverviewReport,
  PathsReport,
  ProfileSearchReport,
  RetentionReport,
  SegmentCountReport,
  SourcesReport,
  StreamReport,
} from '../../protocol/analytics';
import type { CollectResponse } from '../../protocol/wire';
import type { BanditTable } from '../src/analytics/bandit';
import type { AnalyticsMessage } from '../src/analytics/feed';
import { newcombeDifference, wilson } from '../src/analytics/stats';
import { SiteStore } from '../src/config/site-store';
import { banditFixture, batch, DAY, HOUR, liveFixture, messagesFixture, MIN, page, retentionFixture, shop, T0, URL_BASE } from './analytics-fixtures';
import { adminCall, adminLogin, BASE, ORIGIN, makeEvent, me, post, type AdminSession } from './helpers';

const API = `${BASE}/_wm/admin/api`;
let clients = 0;
let sites = 0;
const freshSite = () => `an-${Date.now().toString(36)}-${++sites}`;

type Session = AdminSession;
const login = (): Promise<Session> => adminLogin(`203.0.113.${++clients}`);

const call = adminCall;

async function report<T>(s: Session, site: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await call(s, method, `/sites/${site}/analytics${path}`, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<T>();
}

const store = (site: string) => env.ANALYTICS.get(env.ANALYTICS.idFromName(site));

async function shopSite(): Promise<string> {
  const site = freshSite();
  await store(site).ingest(shop().map((m) => ({ ...m, site })));
  return site;
}
const RANGE = { from: T0 - HOUR, to: T0 + DAY };

describe('analytics store: funnel', () => {
  it('counts visitors per ordered step within the window, with drop-off and median times', async () => {
    const [s, site] = await Promise.all([login(), shopSite()]);
    const r = await report<FunnelReport>(s, site, 'POST', '/funnel', {
      steps: [{ page: '/' }, { event: 'add_to_cart' }, { page: '/checkout/*', label: 'Checkout' }, { event: 'purchase' }],
      window: '1h',
      ...RANGE,
    });
    expect(r.steps.map((x) => x.label)).toEqual(['/', 'add_to_cart', 'Checkout', 'purchase']);
    expect(r.steps.map((x) => x.visitors)).toEqual([5, 4, 2, 1]);
    expect(r.steps.map((x) => x.conversionFromStart)).toEqual([1, 0.8, 0.4, 0.2]);
    expect(r.steps.map((x) => x.conversionFromPrevious)).toEqual([1, 0.8, 0.5, 0.5]);
    expect(r.steps.map((x) => x.dropOff)).toEqual([0, 1, 2, 1]);
    // Step 2 gaps: A 10m, B 5m, D 30m, F 1m -> median (5 + 10) / 2; step 3: A 10m, D 10m; step 4: A 10m.
    expect(r.steps.map((x) => x.medianMsFromPrevious)).toEqual([null, 7.5 * MIN, 10 * MIN, 10 * MIN]);
  });

  it('widens with the window and narrows with the range', async () => {
    const [s, site] = await Promise.all([login(), shopSite()]);
    const steps = [{ page: '/' }, { event: 'add_to_cart' }, { page: '/checkout/*' }];
    const wide = await report<FunnelReport>(s, site, 'POST', '/funnel', { steps, window: '3h', ...RANGE });
    // B's checkout at +2h now counts.
    expect(wide.steps.map((x) => x.visitors)).toEqual([5, 4, 3]);
    // Only the day before: F enters there; their add_to_cart the next day is within the default 7d window.
    const before = await report<FunnelReport>(s, site, 'POST', '/funnel', { steps, from: T0 - 2 * DAY, to: T0 - HOUR });
    expect(before.window).toBe('7d');
    expect(before.steps.map((x) => x.visitors)).toEqual([1, 1, 0]);
    expect(before.steps[1]?.medianMsFromPrevious).toBe(DAY + 6 * MIN);
    expect(before.steps[2]?.conversionFromPrevious).toBe(0);
  });

  it('answers 400 with per-field issues for a bad query', async () => {
    const s = await login();
    const res = await call(s, 'POST', `/sites/${freshSite()}/analytics/funnel`, { steps: [{ page: 'no-slash' }], window: 'soon', from: 5, to: 1 });
    expect(res.status).toBe(400);
    const body = await res.json<{ issues: { path: string; message: string }[] }>();
    const paths = body.issues.map((i) => i.path);
    expect(paths).toContain('steps');
    expect(paths).toContain('steps.0.page');
    expect(paths).toContain('window');
    const bad = await call(s, 'GET', `/sites/${freshSite()}/analytics/stream?limit=100000`);
    expect(bad.status).toBe(400);
    expect((await bad.json<{ issues: { path: string }[] }>()).issues[0]?.path).toBe('limit');
    const noSession = await SELF.fetch(`${API}/sites/demo/analytics/overview`);
    expect(noSession.status).toBe(401);
  });
});

describe('analytics store: paths, sources, retention', () => {
  it('finds the top next and previous steps around an anchor, per session, collapsing repeats', async () => {
    const [s, site] = await Promise.all([login(), shopSite()]);
    const next = await report<PathsReport>(s, site, 'POST', '/paths', { anchor: { page: '/' }, direction: 'next', depth: 2, ...RANGE });
    expect(next.anchorSessions).toBe(5);
    // Ties in session count keep a stable order (by the steps' JSON).
    expect(next.paths).toEqual([
      { steps: [{ event: 'add_to_cart' }, { page: '/checkout' }], sessions: 2, share: 0.4 },
      { steps: [{ event: 'add_to_cart' }, { page: '/checkout/pay' }], sessions: 1, share: 0.2 },
      { steps: [{ event: 'add_to_cart' }], sessions: 1, share: 0.2 },
      { steps: [{ event: 'purchase' }], sessions: 1, share: 0.2 },
    ]);
    const previous = await report<PathsReport>(s, site, 'POST', '/paths', { anchor: { event: 'purchase' }, direction: 'previous', depth: 3, ...RANGE });
    expect(previous.anchorSessions).toBe(2);
    expect(previous.paths).toEqual([
      { steps: [{ page: '/' }, { event: 'add_to_cart' }], sessions: 1, share: 0.5 },
      { steps: [{ page: '/checkout/pay' }, { event: 'add_to_cart' }, { page: '/' }], sessions: 1, share: 0.5 },
    ]);
  });

  it('groups visitors by first touch: UTM, else referrer host, else direct', async () => {
    const [s, site] = await Promise.all([login(), shopSite()]);
    const r = await report<SourcesReport>(s, site, 'POST', '/sources', { goal: 'purchase', ...RANGE });
    expect(r.rows).toEqual([
      // C (internal referrer) and D (none); C bought.
      { source: 'direct', medium: '(none)', campaign: null, visitors: 2, pageViews: 3, conversions: 1, conversionRate: 0.5 },
      // B (www.google.com) and E (google.com).
      { source: 'google.com', medium: 'referral', campaign: null, visitors: 2, pageViews: 3, conversions: 0, conversionRate: 0 },
      // F's first touch was the day before, with UTM; only its in-range page view counts.
      { source: 'ads', medium: 'cpc', campaign: null, visitors: 1, pageViews: 1, conversions: 0, conversionRate: 0 },
      { source: 'newsletter', medium: 'email', campaign: 'spring', visitors: 1, pageViews: 3, conversions: 1, conversionRate: 1 },
    ]);
  });

  it('builds the cohort retention grid by day, null for periods still to come', async () => {
    const [s, site] = await Promise.all([login(), Promise.resolve(freshSite())]);
    const now = Date.now();
    const today = Math.floor(now / DAY) * DAY;
    await store(site).ingest(retentionFixture(now).map((m) => ({ ...m, site })));
    const r = await report<RetentionReport>(s, site, 'POST', '/retention', { period: 'day', periods: 4, from: T0, to: T0 + 3 * DAY });
    expect(r.cohorts).toEqual([
      { start: T0, size: 2, returned: [2, 1, 1, 1], rates: [1, 0.5, 0.5, 0.5] },
      { start: T0 + DAY, size: 1, returned: [1, 1, 0, 0], rates: [1, 1, 0, 0] },
    ]);
    // Cohort by a custom event: only r3 signed up; they came back the next day.
    const signup = await report<RetentionReport>(s, site, 'POST', '/retention', { cohortEvent: { event: 'signup' }, periods: 2, from: T0, to: T0 + 3 * DAY });
    expect(signup.cohorts).toEqual([{ start: T0 + DAY, size: 1, returned: [1, 1], rates: [1, 1] }]);
    const recent = await report<RetentionReport>(s, site, 'POST', '/retention', { period: 'day', periods: 3, from: today - DAY, to: now + 1 });
    expect(recent.cohorts).toEqual([{ start: today, size: 1, returned: [1, null, null], rates: [1, null, null] }]);
    const weekly = await report<RetentionReport>(s, site, 'POST', '/retention', { period: 'week', periods: 2, from: T0, to: T0 + 7 * DAY });
    // T0 is a Monday: all three in one weekly cohort, nobody back the week after.
    expect(weekly.cohorts).toEqual([{ start: T0, size: 3, returned: [3, 0], rates: [1, 0] }]);
  });
});

describe('analytics store: messages, overview, stream, profiles, segment count', () => {
  it('reports message variants with Wilson intervals and always-valid lift over the holdout (Newcombe beside it)', async () => {
    const [s, site] = await Promise.all([login(), Promise.resolve(freshSite())]);
    const messages = messagesFixture();
    // At-least-once delivery: the same snapshot twice changes nothing.
    await store(site).ingest([...messages, ...messages].map((m) => ({ ...m, site })));
    const r = await report<MessagesReport>(s, site, 'POST', '/messages', RANGE);
    expect(r.statistic).toEqual({
      rateInterval: 'wilson',
      liftInterval: 'always-valid-normal-mixture',
      tuning: 5_000,
      fixedHorizonLiftInterval: 'newcombe-wilson',
      confidence: 0.95,
    });
    const promo = r.messages.find((m) => m.message === 'promo');
    expect(promo?.holdout).toEqual({ exposed: 4, converted: 1, rate: 0.25, interval: wilson(1, 4) });
    expect(promo?.variants).toHaveLength(1);
    const a = promo?.variants[0];
    expect(a).toMatchObject({ variant: 'a', exposed: 4, converted: 2, rate: 0.5, interval: wilson(2, 4) });
    expect(a?.lift?.absolute).toBe(0.25);
    expect(a?.lift?.relative).toBe(1);
    // Four visitors a side cannot tell 50% from 25%.
    expect(a?.lift?.significant).toBe(false);
    expect(a?.lift?.interval[0]).toBeLessThan(0);
    expect(a?.lift?.interval[1]).toBeGreaterThan(0.25);
    expect(a?.lift?.fixedHorizonInterval).toEqual(newcombeDifference(2, 4, 1, 4));
    expect(a?.lift?.outlook.horizonDays).toBe(90);
    // The site config has no message "promo": its split cannot be checked.
    expect(promo?.srm.status).toBe('not-checked');
    const survey = r.messages.find((m) => m.message === 'survey');
    expect(survey).toMatchObject({ holdout: null, note: expect.stringMatching(/no holdout/) });
    expect(survey?.variants[0]).toMatchObject({ variant: 'default', exposed: 2, converted: 1, lift: null });
    const only = await report<MessagesReport>(s, site, 'POST', '/messages', { message: 'survey', ...RANGE });
    expect(only.messages.map((m) => m.message)).toEqual(['survey']);
  });

  it('shows live visitors, a zero-filled events-per-minute series, 24 h totals and a stream with a cursor', async () => {
    const [s, site] = await Promise.all([login(), Promise.resolve(freshSite())]);
    const now = Date.now();
    await store(site).ingest(liveFixture(now).map((m) => ({ ...m, site })));
    const o = await report<OverviewReport>(s, site, 'GET', '/overview?minutes=30');
    expect(o.liveVisitors).toBe(2);
    expect(o.eventsPerMinute).toHaveLength(30);
    expect(o.eventsPerMinute.at(-1)?.t).toBe(Math.floor(o.now / MIN) * MIN);
    expect(o.eventsPerMinute.reduce((n, m) => n + m.events, 0)).toBe(4);
    expect(o.eventsPerMinute.filter((m) => m.events > 0).length).toBeGreaterThanOrEqual(3);
    expect(o.last24h).toEqual({ visitors: 3, events: 4, pageViews: 3 });
    expect(o.topPages).toEqual([
      { path: '/a', views: 2, visitors: 2 },
      { path: '/b', views: 1, visitors: 1 },
    ]);
    expect(o.totalVisitors).toBe(4);

    const latest = await report<StreamReport>(s, site, 'GET', '/stream?limit=2');
    expect(latest.events.map((e) => [e.visitorId, e.name])).toEqual([
      ['idle-z', 'page'],
      ['old-w', 'page'],
    ]);
    const all = await report<StreamReport>(s, site, 'GET', '/stream?after=0');
    expect(all.events.map((e) => e.name)).toEqual(['page', 'add_to_cart', 'page', 'page', 'page']);
    expect(all.events[0]).toMatchObject({ visitorId: 'live-x', type: 'page', path: '/a', ts: now - MIN });
    const after = await report<StreamReport>(s, site, 'GET', `/stream?after=${all.cursor}`);
    expect(after).toEqual({ events: [], cursor: all.cursor });
  });

  it('finds profiles by user id, visitor id prefix and trait value', async () => {
    const [s, site] = await Promise.all([login(), shopSite()]);
    const search = (q: string, by?: string) =>
      report<ProfileSearchReport>(s, site, 'GET', `/profiles?q=${encodeURIComponent(q)}${by ? `&by=${by}` : ''}`).then((r) => r.profiles);
    const byUser = await search('u-alice', 'user');
    expect(byUser).toEqual([
      {
        visitorId: 'visitor-a',
        userId: 'u-alice',
        firstSeen: T0,
        lastSeen: T0 + 31 * MIN,
        events: 6,
        segments: [],
        traits: { email: 'alice@example.com', plan: 'gold' },
      },
    ]);
    expect((await search('EXAMPLE.COM', 'trait')).map((p) => p.visitorId)).toEqual(['visitor-a']);
    expect((await search('visitor-')).length).toBe(6);
    expect((await search('visitor-d', 'visitor')).map((p) => p.visitorId)).toEqual(['visitor-d']);
    // A user id is matched exactly, not as a prefix.
    expect(await search('u-ali', 'user')).toEqual([]);
  });

  it('counts the visitors a draft segment condition matches, with the rules engine', async () => {
    const [s, site] = await Promise.all([login(), shopSite()]);
    const count = (condition: unknown) => report<SegmentCountReport>(s, site, 'POST', '/segment-count', { condition });
    expect(await count({ event: 'add_to_cart' })).toMatchObject({ matching: 5, total: 6, sampled: false, evaluated: 6 });
    expect((await count({ trait: 'plan', test: { op: 'eq', value: 'GOLD' } })).matching).toBe(1);
    expect((await count({ all: [{ event: 'add_to_cart' }, { not: { event: 'purchase' } }] })).matching).toBe(3);
    expect((await count({ utm: 'source', test: { op: 'eq', value: 'ads' } })).matching).toBe(1);
    expect((await count({ visitor: 'returning' })).matching).toBe(1);
    const bad = await call(s, 'POST', `/sites/${site}/analytics/segment-count`, { condition: { event: 'x', within: 'forever' } });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ issues: { path: string }[] }>()).issues.some((i) => i.path.startsWith('condition'))).toBe(true);
  });

  it('erases a visitor and ignores their batches still in flight', async () => {
    const [s, site] = await Promise.all([login(), shopSite()]);
    await store(site).ingest([{ kind: 'erase', site, visitorId: 'visitor-a', at: Date.now() }]);
    // A late redelivery of A's batch does not bring them back.
    const late = shop()[0]!;
    expect(await store(site).ingest([{ ...late, site }])).toMatchObject({ stored: 0, dropped: 6 });
    expect(await report<ProfileSearchReport>(s, site, 'GET', '/profiles?q=visitor-a')).toEqual({ profiles: [] });
    const r = await report<FunnelReport>(s, site, 'POST', '/funnel', { steps: [{ page: '/' }, { event: 'purchase' }], window: '1h', ...RANGE });
    // A is gone; of B, C, D, F only C bought after "/" (at +2m, bought at +3m).
    expect(r.steps.map((x) => x.visitors)).toEqual([4, 1]);
  });
});

describe('bandit: the store publishes Thompson-sampling weights', () => {
  it('writes Beta posteriors and weights per message, segment and variant to KV, without the holdout', async () => {
    const site = freshSite();
    const messages = banditFixture();
    await store(site).ingest(messages.map((m) => ({ ...m, site })));
    expect(await runDurableObjectAlarm(store(site))).toBe(true);
    const table = await env.CONFIG.get<BanditTable>(`bandit:${site}`, 'json');
    const hikers = table?.messages.offer?.hikers;
    expect(hikers?.a).toMatchObject({ alpha: 9, beta: 3 });
    expect(hikers?.b).toMatchObject({ alpha: 2, beta: 10 });
    expect(hikers?.a?.weight).toBeGreaterThan(0.95);
    // Over all visitors: a 9 of 20, b 9 of 20: even.
    const all = table?.messages.offer?.['*'];
    expect(all?.a).toMatchObject({ alpha: 10, beta: 12 });
    expect(all?.b).toMatchObject({ alpha: 10, beta: 12 });
    expect(Math.abs((all?.a?.weight ?? 0) - 0.5)).toBeLessThan(0.05);
    expect(Object.keys(all ?? {})).toEqual(['a', 'b']);
  });
});

describe('bandit: the Messages report shows what the bandit does', () => {
  it('adds the split, posteriors, P(best) and publication time to bandit messages only', async () => {
    const [s, site] = await Promise.all([login(), Promise.resolve(freshSite())]);
    const segment = (id: string) => ({ id, name: id, condition: { pref: 'sport', test: { op: 'eq', value: id } } });
    const message = (id: string, extra: Record<string, unknown>) => ({
      id,
      name: id,
      type: 'banner' as const,
      body: 'b',
      holdout: 10,
      variants: [
        { id: 'a', weight: 50 },
        { id: 'b', weight: 50 },
      ],
      ...extra,
    });
    await new SiteStore(env.CONFIG).put({
      id: site,
      name: 'Bandit shop',
      version: 1,
      origins: [URL_BASE],
      consentPolicy: 'opt-out',
      segments: [segment('hikers'), segment('runners')],
      messages: [
        message('offer', { bandit: true, goal: { event: 'purchase', withinHours: 24 }, segments: ['hikers', 'runners'] }),
        message('plain', { goal: { event: 'purchase', withinHours: 24 } }),
      ],
    });
    const exposed = (i: number, m: string, variant: string): AnalyticsMessage =>
      batch(`bx-${m}-${variant}-${i}`, 's', [[T0 + i * MIN, page('/')]], [{ message: m, variant, at: T0 + i * MIN, convertedAt: null }]);
    await store(site).ingest(
      [exposed(1, 'offer', 'a'), exposed(2, 'offer', 'b'), exposed(3, 'offer', 'holdout'), exposed(4, 'plain', 'a')].map((m) => ({ ...m, site })),
    );
    // A hand-made table: hikers clearly prefer a; runners have no posterior for b yet.
    const table: BanditTable = {
      updatedAt: T0 + HOUR,
      messages: {
        offer: {
          hikers: { a: { alpha: 31, beta: 71, weight: 0.99 }, b: { alpha: 6, beta: 96, weight: 0.01 } },
          runners: { a: { alpha: 2, beta: 3, weight: 1 } },
          '*': { a: { alpha: 3, beta: 9, weight: 0.25 }, b: { alpha: 9, beta: 3, weight: 0.75 } },
        },
        plain: { '*': { a: { alpha: 1, beta: 2, weight: 0.5 }, b: { alpha: 1, beta: 1, weight: 0.5 } } },
      },
    };
    await env.CONFIG.put(`bandit:${site}`, JSON.stringify(table));
    const r = await report<MessagesReport>(s, site, 'POST', '/messages', RANGE);
    const offer = r.messages.find((m) => m.message === 'offer');
    // The usual columns are unchanged.
    expect(offer?.variants.map((v) => [v.variant, v.exposed])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(offer?.bandit?.updatedAt).toBe(T0 + HOUR);
    expect(offer?.bandit?.holdout).toBe(10);
    // A bandit moves its variants' shares: its split check is the holdout against all variants.
    expect(offer?.srm.arms.map((a) => [a.variant, a.expectedShare])).toEqual([
      ['all variants', 0.9],
      ['holdout', 0.1],
    ]);
    expect(offer?.bandit?.segments.map((x) => [x.segment, x.from])).toEqual([
      ['*', 'own'],
      ['hikers', 'own'],
      ['runners', 'all'],
    ]);
    const [all, hikers, runners] = offer!.bandit!.segments;
    expect(all!.variants.map((v) => v.share)).toEqual([0.25, 0.75]);
    expect(all!.variants.map((v) => v.posterior)).toEqual([
      { alpha: 3, beta: 9 },
      { alpha: 9, beta: 3 },
    ]);
    expect(all!.variants[1]!.probabilityBest).toBeGreaterThan(0.9);
    expect(hikers!.variants.map((v) => v.share)).toEqual([0.99, 0.01]);
    expect(hikers!.variants[0]!.probabilityBest).toBeGreaterThan(0.99);
    expect(runners!.variants.map((v) => v.share)).toEqual([0.25, 0.75]);
    expect(runners!.variants.map((v) => v.probabilityBest)).toEqual([null, null]);
    // Not a bandit: no bandit fields, even though the table has an entry for it.
    const plain = r.messages.find((m) => m.message === 'plain');
    expect(plain).toBeDefined();
    expect(plain).not.toHaveProperty('bandit');
  });
});

describe('analytics feed: collect -> queue -> store, and erase', () => {
  /** The queue delivers within about a second locally (max_batch_timeout = 1); poll a few seconds, never assert timing. */
  async function until<T>(read: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
    let last = await read();
    for (let i = 0; i < 100 && !done(last); i++) {
      await new Promise((r) => setTimeout(r, 100));
      last = await read();
    }
    return last;
  }

  it('stores what the profile accepted, once, and forgets the visitor on DELETE /_wm/me', async () => {
    const s = await login();
    const first = makeEvent({ type: 'page', url: `${ORIGIN}/analytics-feed`, name: undefined, props: undefined });
    const res = await post([first, makeEvent({ name: 'feed_test' })]);
    expect(res.status).toBe(200);
    const { vid, accepted } = await res.json<CollectResponse>();
    expect(accepted).toHaveLength(2);
    const visitorId = vid!.split('.')[0]!;
    // A retry of the same batch is a duplicate at the profile, so nothing new is queued.
    await post([first], { vid });
    const found = await until(
      () => report<ProfileSearchReport>(s, 'demo', 'GET', `/profiles?by=visitor&q=${visitorId}`),
      (r) => r.profiles.length === 1 && r.profiles[0]!.events === 2,
    );
    expect(found.profiles).toEqual([expect.objectContaining({ visitorId, events: 2 })]);
    const stream = await report<StreamReport>(s, 'demo', 'GET', '/stream?limit=500');
    expect(stream.events.filter((e) => e.visitorId === visitorId).map((e) => e.name)).toEqual(['page', 'feed_test']);

    expect((await me({ token: vid, method: 'DELETE' })).status).toBe(200);
    const gone = await until(
      () => report<ProfileSearchReport>(s, 'demo', 'GET', `/profiles?by=visitor&q=${visitorId}`),
      (r) => r.profiles.length === 0,
    );
    expect(gone.profiles).toEqual([]);
  });

  it('keeps the analytics snapshot out of the collect response', async () => {
    const res = await post([makeEvent()]);
    const body = await res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['accepted', 'decisions', 'duplicates', 'rejected', 'vid']);
  });
});
