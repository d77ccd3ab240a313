import { describe, expect, it } from 'vitest';
import { assignVariant } from './bucket';
import { messageSchema, type Day, type Message, type MessageInput } from '../../../protocol/config/messages';
import { scheduleBlocks, selectMessages, urlBlocks, wallClock, type MessageHistory, type SelectInput } from './select';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 2026-03-09 12:00 UTC (08:00 in New York, the day after DST began there). */
const NOW = Date.parse('2026-03-09T12:00:00Z');

const msg = (m: Partial<MessageInput> & { id: string }): Message => messageSchema.parse({ name: m.id, type: 'banner', body: `body of ${m.id}`, ...m });

/** A fake exposure log: the shows the Durable Object would hold. */
function history(shows: { id: string; ts: number }[] = []): MessageHistory {
  return {
    shown: (id, since) => shows.filter((s) => s.id === id && s.ts >= since).length,
    shownAny: (since) => shows.filter((s) => s.ts >= since).length,
    lastShownAt: (id) => {
      const ts = shows.filter((s) => id === undefined || s.id === id).map((s) => s.ts);
      return ts.length ? Math.max(...ts) : null;
    },
  };
}

function input(messages: Message[], over: Partial<SelectInput> = {}): SelectInput {
  return {
    messages,
    inSegments: new Set(['cart-abandoners']),
    segmentNames: new Map([
      ['cart-abandoners', 'Cart abandoners'],
      ['hikers', 'Hikers'],
    ]),
    visitorId: 'visitor-1',
    now: NOW,
    pageUrl: 'https://shop.example/cart?x=1',
    history: history(),
    fatigue: { perDay: 3, minMinutesBetween: 0 },
    ...over,
  };
}

/** A visitor id that lands (or does not land) in a message's holdout. */
function visitor(m: Message, wantHoldout: boolean): string {
  for (let i = 0; ; i++) {
    const id = `visitor-${i}`;
    if (assignVariant(m, id).holdout === wantHoldout) return id;
  }
}

const reasonOf = (r: ReturnType<typeof selectMessages>, id: string) => r.skipped.find((s) => s.id === id)?.reason;

describe('schedule', () => {
  it('reads the wall clock in the time zone, across the DST change in New York', () => {
    // 2026-03-08 02:00 New York: clocks went from EST (UTC-5) to EDT (UTC-4).
    expect(wallClock(Date.parse('2026-03-06T13:30:00Z'), 'America/New_York')).toEqual({ day: 'fri', hour: 8, minute: 30 });
    expect(wallClock(Date.parse('2026-03-09T13:30:00Z'), 'America/New_York')).toEqual({ day: 'mon', hour: 9, minute: 30 });
    expect(wallClock(Date.parse('2026-03-09T04:00:00Z'), 'America/New_York')).toEqual({ day: 'mon', hour: 0, minute: 0 });
  });

  it('a 9-17 weekday window in New York follows DST: same UTC time, different answer', () => {
    const weekdays: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
    const s = { timeZone: 'America/New_York', days: weekdays, hours: { from: 9, to: 17 } };
    // 13:30 UTC is 08:30 before the change (outside) and 09:30 after (inside).
    expect(scheduleBlocks(s, Date.parse('2026-03-06T13:30:00Z'))).toBe('outside its hours (09:00-17:00; it is fri 08:30 in America/New_York)');
    expect(scheduleBlocks(s, Date.parse('2026-03-09T13:30:00Z'))).toBeNull();
    // 21:30 UTC is 16:30 before (inside) and 17:30 after (outside).
    expect(scheduleBlocks(s, Date.parse('2026-03-06T21:30:00Z'))).toBeNull();
    expect(scheduleBlocks(s, Date.parse('2026-03-09T21:30:00Z'))).toBe('outside its hours (09:00-17:00; it is mon 17:30 in America/New_York)');
    // Saturday 03:00 UTC is still Friday evening in New York: the local day counts.
    expect(scheduleBlocks({ ...s, hours: undefined }, Date.parse('2026-03-07T03:00:00Z'))).toBeNull();
    expect(scheduleBlocks({ ...s, hours: undefined }, Date.parse('2026-03-07T15:00:00Z'))).toBe(
      'outside its days (mon, tue, wed, thu, fri; it is sat 10:00 in America/New_York)',
    );
  });

  it('overnight windows, UTC by default, start and end instants', () => {
    const night = { hours: { from: 22, to: 6 } };
    expect(scheduleBlocks(night, Date.parse('2026-03-09T23:00:00Z'))).toBeNull();
    expect(scheduleBlocks(night, Date.parse('2026-03-09T05:59:00Z'))).toBeNull();
    expect(scheduleBlocks(night, Date.parse('2026-03-09T06:00:00Z'))).toBe('outside its hours (22:00-06:00; it is mon 06:00 in UTC)');
    const window = { start: '2026-03-09T13:00:00+01:00', end: '2026-03-10T00:00:00Z' };
    expect(scheduleBlocks(window, Date.parse('2026-03-09T11:59:59Z'))).toBe('not started yet (starts 2026-03-09T12:00:00Z)');
    expect(scheduleBlocks(window, Date.parse('2026-03-09T12:00:00Z'))).toBeNull();
    expect(scheduleBlocks(window, Date.parse('2026-03-10T00:00:00Z'))).toBe('ended (at 2026-03-10T00:00:00Z)');
  });
});

describe('page URL', () => {
  it('path_eq, path_prefix, url_contains, and no URL', () => {
    expect(urlBlocks({ op: 'path_eq', value: '/cart' }, 'https://s.example/Cart/?a=1')).toBeNull();
    expect(urlBlocks({ op: 'path_eq', value: '/cart' }, 'https://s.example/cart/items')).toBe('page path /cart/items is not /cart');
    expect(urlBlocks({ op: 'path_prefix', value: '/blog' }, 'https://s.example/blog/post')).toBeNull();
    expect(urlBlocks({ op: 'path_prefix', value: '/blog' }, 'https://s.example/shop')).toBe('page path /shop does not start with /blog');
    expect(urlBlocks({ op: 'url_contains', value: 'utm_campaign=spring' }, 'https://s.example/?utm_campaign=Spring')).toBeNull();
    expect(urlBlocks({ op: 'url_contains', value: 'sale' }, 'https://s.example/')).toBe('page URL does not contain "sale"');
    expect(urlBlocks({ op: 'path_eq', value: '/cart' }, undefined)).toBe('no page URL to test (path eq "/cart")');
    expect(urlBlocks({ op: 'path_eq', value: '/cart' }, 'not a url')).toBe('no page URL to test (path eq "/cart")');
  });
});

describe('selectMessages', () => {
  it('a targeted message becomes a decision, with why and exposure', () => {
    const m = msg({
      id: 'cart-reminder',
      type: 'modal',
      segments: ['hikers', 'cart-abandoners'],
      trigger: { on: 'exit' },
      title: 'Still thinking?',
      cta: { text: 'Back to cart', href: '/cart' },
      priority: 50,
    });
    const r = selectMessages(input([m]));
    const a = assignVariant(m, 'visitor-1');
    expect(r).toEqual({
      decisions: [
        {
          kind: 'message',
          id: 'cart-reminder',
          variant: 'default',
          type: 'modal',
          trigger: { on: 'exit' },
          title: 'Still thinking?',
          body: 'body of cart-reminder',
          cta: { text: 'Back to cart', href: '/cart' },
          priority: 50,
          why: `segment "Cart abandoners"; priority 50; variant default (bucket ${a.bucket.toFixed(2)})`,
        },
      ],
      skipped: [],
      exposures: [{ id: 'cart-reminder', variant: 'default' }],
    });
  });

  it('every per-message skip reason', () => {
    const messages = [
      msg({ id: 'future', schedule: { start: '2026-04-01T00:00:00Z' } }),
      msg({ id: 'past', schedule: { end: '2026-03-01T00:00:00Z' } }),
      msg({ id: 'weekend', schedule: { days: ['sat', 'sun'] } }),
      msg({ id: 'office-hours', schedule: { timeZone: 'America/New_York', hours: { from: 9, to: 17 } } }),
      msg({ id: 'blog-only', urlMatch: { op: 'path_prefix', value: '/blog' } }),
      msg({ id: 'hikers-only', segments: ['hikers'] }),
      msg({
        id: 'asked',
        type: 'survey',
        survey: {
          pref: 'sport',
          options: [
            { value: 'trail', label: 'Trail' },
            { value: 'road', label: 'Road' },
          ],
        },
      }),
      msg({ id: 'lifetime', caps: { lifetime: 2 } }),
      msg({ id: 'daily', caps: { perDay: 1 } }),
      msg({ id: 'cooldown', caps: { cooldownMinutes: 60 } }),
    ];
    const shows = [
      { id: 'lifetime', ts: NOW - 30 * 24 * HOUR },
      { id: 'lifetime', ts: NOW - 10 * 24 * HOUR },
      { id: 'daily', ts: NOW - 23 * HOUR },
      { id: 'cooldown', ts: NOW - 25 * MIN },
    ];
    const r = selectMessages(input(messages, { history: history(shows), prefs: { sport: 'trail' }, fatigue: { perDay: 10, minMinutesBetween: 0 } }));
    expect(r.decisions).toEqual([]);
    expect(r.exposures).toEqual([]);
    expect(r.skipped).toEqual([
      { id: 'future', reason: 'not started yet (starts 2026-04-01T00:00:00Z)' },
      { id: 'past', reason: 'ended (at 2026-03-01T00:00:00Z)' },
      { id: 'weekend', reason: 'outside its days (sat, sun; it is mon 12:00 in UTC)' },
      { id: 'office-hours', reason: 'outside its hours (09:00-17:00; it is mon 08:00 in America/New_York)' },
      { id: 'blog-only', reason: 'page path /cart does not start with /blog' },
      { id: 'hikers-only', reason: 'not in its segments ("Hikers")' },
      { id: 'asked', reason: 'already answered (pref sport is "trail")' },
      { id: 'lifetime', reason: 'lifetime cap reached (shown 2 times; cap 2)' },
      { id: 'daily', reason: 'daily cap reached (shown 1 time in the last 24 h; cap 1)' },
      { id: 'cooldown', reason: 'cooling down (shown 25 min ago; cooldown 60 min)' },
    ]);
  });

  it('caps are rolling: a show 25 hours ago no longer counts for the day, a finished cooldown allows again', () => {
    const m = msg({ id: 'daily', caps: { perDay: 1, cooldownMinutes: 60 } });
    const r = selectMessages(input([m], { history: history([{ id: 'daily', ts: NOW - 25 * HOUR }]) }));
    expect(r.decisions.map((d) => d.id)).toEqual(['daily']);
    // Other messages' shows do not count against this one's caps.
    const other = selectMessages(input([m], { history: history([{ id: 'other', ts: NOW - MIN }]) }));
    expect(other.decisions.map((d) => d.id)).toEqual(['daily']);
  });

  it('site fatigue: per rolling 24 h across all messages, and minutes between', () => {
    const m = msg({ id: 'promo' });
    const three = [1, 2, 3].map((h) => ({ id: `old-${h}`, ts: NOW - h * HOUR }));
    expect(reasonOf(selectMessages(input([m], { history: history(three) })), 'promo')).toBe('site fatigue limit: 3 messages shown in the last 24 h (limit 3)');
    // Shows older than 24 h are forgotten.
    const old = three.map((s) => ({ ...s, ts: s.ts - 24 * HOUR }));
    expect(selectMessages(input([m], { history: history(old) })).decisions).toHaveLength(1);
    const gap = { perDay: 3, minMinutesBetween: 30 };
    expect(reasonOf(selectMessages(input([m], { history: history([{ id: 'x', ts: NOW - 10 * MIN }]), fatigue: gap })), 'promo')).toBe(
      'site fatigue limit: a message was shown 10 min ago (at least 30 min between messages)',
    );
    expect(selectMessages(input([m], { history: history([{ id: 'x', ts: NOW - 31 * MIN }]), fatigue: gap })).decisions).toHaveLength(1);
  });

  it('site fatigue: the remaining budget bounds how many messages one page adds', () => {
    const messages = [
      msg({ id: 'hero-note', type: 'inline', target: '.hero', priority: 5 }),
      msg({ id: 'footer-note', type: 'inline', target: '.footer', priority: 1 }),
      msg({ id: 'banner', priority: 9 }),
    ];
    const r = selectMessages(input(messages, { history: history([{ id: 'x', ts: NOW - HOUR }]) }));
    expect(r.decisions.map((d) => d.id)).toEqual(['banner', 'hero-note']);
    expect(reasonOf(r, 'footer-note')).toBe('site fatigue limit: higher-priority messages use the rest of the 3 per 24 h');
  });

  it('arbitration: one overlay (highest priority, ties by order); inline messages per target', () => {
    const messages = [
      msg({ id: 'toast', type: 'toast', priority: 10 }),
      msg({ id: 'modal', type: 'modal', priority: 30 }),
      msg({
        id: 'survey',
        type: 'survey',
        priority: 30,
        survey: {
          pref: 'sport',
          options: [
            { value: 'a', label: 'A' },
            { value: 'b', label: 'B' },
          ],
        },
      }),
      msg({ id: 'hero-1', type: 'inline', target: '.hero', priority: 1 }),
      msg({ id: 'hero-2', type: 'inline', target: '.hero', priority: 2 }),
      msg({ id: 'side', type: 'inline', target: '#side', priority: 0 }),
    ];
    const r = selectMessages(input(messages, { fatigue: { perDay: 10, minMinutesBetween: 0 } }));
    expect(r.decisions.map((d) => d.id)).toEqual(['modal', 'hero-2', 'side']);
    expect(r.decisions.map((d) => d.target)).toEqual([undefined, '.hero', '#side']);
    expect(r.skipped).toEqual([
      { id: 'toast', reason: 'lost to "modal" (priority 30) for the overlay' },
      { id: 'survey', reason: 'lost to "modal" (priority 30) for the overlay' },
      { id: 'hero-1', reason: 'lost to "hero-2" (priority 2) for target .hero' },
    ]);
  });

  it('holdout: reported as an exposure with the reason, and the overlay goes to the next message', () => {
    const big = msg({ id: 'big-sale', type: 'modal', priority: 90, holdout: 50 });
    const next = msg({ id: 'newsletter', type: 'banner', priority: 10 });
    const control = visitor(big, true);
    const r = selectMessages(input([big, next], { visitorId: control }));
    const b = assignVariant(big, control).bucket;
    expect(reasonOf(r, 'big-sale')).toBe(`in holdout (A/B control): bucket ${b.toFixed(2)} is in the first 50%`);
    expect(r.decisions.map((d) => d.id)).toEqual(['newsletter']);
    expect(r.exposures).toEqual([
      { id: 'big-sale', variant: 'holdout' },
      { id: 'newsletter', variant: 'default' },
    ]);

    const treated = visitor(big, false);
    const t = selectMessages(input([big, next], { visitorId: treated }));
    expect(t.decisions.map((d) => d.id)).toEqual(['big-sale']);
    expect(t.exposures).toEqual([{ id: 'big-sale', variant: 'default' }]);
    expect(reasonOf(t, 'newsletter')).toBe('lost to "big-sale" (priority 90) for the overlay');
  });

  it('holdout: no exposure when the message would not have been shown anyway', () => {
    const top = msg({ id: 'top', type: 'modal', priority: 90 });
    const held = msg({ id: 'held', type: 'toast', priority: 10, holdout: 50 });
    const control = visitor(held, true);
    const r = selectMessages(input([top, held], { visitorId: control }));
    expect(r.exposures).toEqual([{ id: 'top', variant: 'default' }]);
    expect(reasonOf(r, 'held')).toBe('lost to "top" (priority 90) for the overlay (in holdout anyway)');
    // Not targeted: not an exposure either.
    const off = selectMessages(input([msg({ id: 'held', segments: ['hikers'], holdout: 50 })], { visitorId: control }));
    expect(off.exposures).toEqual([]);
  });

  it('variants override the base content field by field; assignment is stable', () => {
    const m = msg({
      id: 'ab',
      title: 'Base title',
      body: 'Base body',
      cta: { text: 'Shop', href: '/shop' },
      variants: [
        { id: 'a', weight: 50 },
        { id: 'b', weight: 50, body: 'B body', cta: { text: 'Shop now', href: 'https://shop.example/sale' } },
      ],
    });
    const vA = (() => {
      for (let i = 0; ; i++) {
        const a = assignVariant(m, `visitor-${i}`);
        if (!a.holdout && a.variant.id === 'a') return `visitor-${i}`;
      }
    })();
    const vB = (() => {
      for (let i = 0; ; i++) {
        const a = assignVariant(m, `visitor-${i}`);
        if (!a.holdout && a.variant.id === 'b') return `visitor-${i}`;
      }
    })();
    const [a] = selectMessages(input([m], { visitorId: vA })).decisions;
    const [b] = selectMessages(input([m], { visitorId: vB })).decisions;
    expect(a).toMatchObject({ variant: 'a', title: 'Base title', body: 'Base body', cta: { text: 'Shop', href: '/shop' } });
    expect(b).toMatchObject({ variant: 'b', title: 'Base title', body: 'B body', cta: { text: 'Shop now', href: 'https://shop.example/sale' } });
    expect(b?.why).toMatch(/^segment|^everyone/);
    expect(b?.why).toMatch(/; priority 0; variant b \(bucket 0\.\d\d\)$/);
    expect(selectMessages(input([m], { visitorId: vB })).decisions[0]?.variant).toBe('b');
  });

  it('surveys and inline messages carry their options and target; everyone-messages say so', () => {
    const survey = msg({
      id: 'sport',
      type: 'survey',
      trigger: { on: 'time', seconds: 10 },
      survey: {
        pref: 'sport',
        options: [
          { value: 'trail', label: 'Trail' },
          { value: 'road', label: 'Road' },
        ],
      },
    });
    const inline = msg({ id: 'note', type: 'inline', target: '.product .info' });
    const r = selectMessages(input([survey, inline], { prefs: { other: 1 } }));
    expect(r.decisions[0]).toMatchObject({
      id: 'sport',
      trigger: { on: 'time', seconds: 10 },
      survey: {
        pref: 'sport',
        options: [
          { value: 'trail', label: 'Trail' },
          { value: 'road', label: 'Road' },
        ],
      },
    });
    expect(r.decisions[0]?.why.startsWith('everyone; priority 0; variant default')).toBe(true);
    expect(r.decisions[1]).toMatchObject({ id: 'note', type: 'inline', target: '.product .info' });
    expect(r.decisions[0]).not.toHaveProperty('target');
    expect(r.decisions[1]).not.toHaveProperty('survey');
  });

  it('urlMatch needs a page URL', () => {
    const m = msg({ id: 'cart', urlMatch: { op: 'path_eq', value: '/cart' } });
    expect(selectMessages(input([m])).decisions).toHaveLength(1);
    expect(reasonOf(selectMessages(input([m], { pageUrl: undefined })), 'cart')).toBe('no page URL to test (path eq "/cart")');
  });

  it('segment names fall back to ids', () => {
    const m = msg({ id: 'h', segments: ['hikers'] });
    expect(reasonOf(selectMessages(input([m], { segmentNames: undefined })), 'h')).toBe('not in its segments ("hikers")');
  });
});
