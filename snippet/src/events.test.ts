// Every event the snippet builds, and every batch around them, passes the edge's own schemas
// (which cut over-long free text); malformed input from site code is refused there with a reason.
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_STRING_LENGTH } from '../../protocol/limits';
import { batchSchema, eventSchema, type WireEvent } from '../../protocol/wire';
import { batch } from './batch';
import * as E from './events';
import { session } from './identity';
import { installPage } from '../fake-page';

beforeEach(() => installPage());

const huge = () => ({
  ['k'.repeat(300)]: 'v'.repeat(5000),
  nan: NaN,
  inf: -Infinity,
  fn: () => 1,
  deep: { a: { b: { c: { d: 1 } } } },
  list: Array.from({ length: 200 }, (_, i) => ({ i, s: 's'.repeat(2000) })),
  ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, 'x'.repeat(30)])),
});

/** As wm() does: falsy fields make no event. */
function build(type: WireEvent['type'], fields: E.Fields) {
  return fields ? E.make(type, fields, session(true)) : undefined;
}

/** What the edge stores for this event (its schema's output), failing the test if refused. */
function expectValid(e: WireEvent | undefined) {
  expect(e).toBeDefined();
  const r = eventSchema.safeParse(JSON.parse(JSON.stringify(e)));
  expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
  return r.data;
}

describe('events match eventSchema', () => {
  it('page, with referrer and title; its URL keeps the utm_* parameters the edge reads', () => {
    const e = build('page', E.page({ section: 'shoes' }));
    expectValid(e);
    expect(e).toMatchObject({
      type: 'page',
      url: 'https://shop.example/p/1?utm_source=news&utm_medium=email&x=1',
      ref: 'https://www.google.com/',
      title: 'Product 1',
      props: { section: 'shoes' },
    });
    expect(e).not.toHaveProperty('utm');
  });
  it('page with a non-http referrer and a huge title: the edge keeps it, cut', () => {
    Object.assign(document, { referrer: 'android-app://com.example', title: 't'.repeat(5000) });
    const stored = expectValid(build('page', E.page()));
    expect(stored).toMatchObject({ ref: '', title: 't'.repeat(MAX_STRING_LENGTH) });
  });
  it('track, identify, prefs, consent', () => {
    expectValid(build('track', E.track('add_to_cart', { sku: 'A1', qty: 2 })));
    expectValid(build('identify', E.identify('user-42', { plan: 'pro' })));
    expectValid(build('prefs', E.setPrefs({ topic: 'running', sizes: ['m', 'l'], news: true })));
    expectValid(build('consent', { consent: { analytics: true, personalization: false } }));
  });
  it('group and alias (Segment calls)', () => {
    expect(expectValid(build('group', E.group('acme', { plan: 'pro' })))).toMatchObject({ type: 'group', groupId: 'acme', traits: { plan: 'pro' } });
    expect(expectValid(build('alias', E.alias('user-42', 'anon-1')))).toMatchObject({ type: 'alias', userId: 'user-42', previousId: 'anon-1' });
    expect(expectValid(build('alias', E.alias('user-42')))).not.toHaveProperty('previousId');
    expect(build('group', E.group(''))).toBeUndefined();
    expect(build('alias', E.alias(undefined, 'x'))).toBeUndefined();
  });
  it('over-long names and free text still make valid events', () => {
    const small = { description: 'v'.repeat(5000), n: NaN, nested: { a: { b: 1 } } };
    const stored = expectValid(build('track', E.track('n'.repeat(500), small)));
    expect(stored).toMatchObject({ name: 'n'.repeat(100), props: { description: 'v'.repeat(MAX_STRING_LENGTH), n: null } });
    expectValid(build('identify', E.identify('u'.repeat(500), small)));
    expectValid(build('prefs', E.setPrefs({ bio: 'v'.repeat(5000), list: ['x', 'y'], n: 1 })));
    expectValid(build('page', E.page(small)));
    installPage('https://shop.example/' + 'p'.repeat(5000));
    expectValid(build('page', E.page()));
  });
  it('malformed shapes from site code are refused by the edge with a reason, not crashed on', () => {
    const r = eventSchema.safeParse(JSON.parse(JSON.stringify(build('track', E.track('x', huge())))));
    expect(r.success).toBe(false);
    expect(r.error?.issues.length).toBeGreaterThan(0);
  });
  it('refuses what can never be valid', () => {
    expect(build('track', E.track(''))).toBeUndefined();
    expect(build('track', E.track(undefined))).toBeUndefined();
    expect(build('identify', E.identify(null))).toBeUndefined();
    expect(build('prefs', E.setPrefs({}))).toBeUndefined();
    expect(build('prefs', E.setPrefs('running'))).toBeUndefined();
  });
  it('ids are unique and valid', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => build('track', E.track('x'))!.id));
    expect(ids.size).toBe(1000);
  });
});

describe('batches match batchSchema', () => {
  it('with and without vid and consent', () => {
    const events = [
      build('page', E.page()),
      build('track', E.track('x', { a: 1 })),
      build('identify', E.identify('u1')),
      build('prefs', E.setPrefs({ a: 'b' })),
      build('consent', { consent: { analytics: true, personalization: true } }),
    ] as WireEvent[];
    for (const env of [{ site: 'demo' }, { site: 'demo', vid: 'v.token', consent: { analytics: true, personalization: false } }]) {
      const [ids, body] = batch(events, env)!;
      expect(ids).toHaveLength(5);
      const parsed = JSON.parse(body);
      expect(batchSchema.safeParse(parsed).success).toBe(true);
      for (const e of parsed.events) expect(eventSchema.safeParse(e).success).toBe(true);
    }
  });
  it('leaves vid out when there is none', () => {
    const [, body] = batch([build('track', E.track('x'))!], { site: 'demo', vid: undefined })!;
    expect(JSON.parse(body)).not.toHaveProperty('vid');
  });
});
