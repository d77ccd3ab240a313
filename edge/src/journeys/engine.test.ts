import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../protocol/config/conditions';
import { advance, mayEnter, type Evaluate, type JourneyState } from './engine';
import { journeySchema, type Journey, type JourneyInput } from '../../../protocol/config/journeys';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12);
const journey = (j: Partial<JourneyInput> = {}): Journey =>
  journeySchema.parse({
    id: 'cart',
    name: 'Cart abandonment',
    entry: { event: 'add_to_cart' },
    goal: { event: 'purchase' },
    steps: [
      { id: 'wait-checkout', kind: 'waitFor', event: 'checkout_start', timeoutMinutes: 30, onEvent: 'done' },
      { id: 'remind', kind: 'message', message: 'cart-reminder' },
      { id: 'crm', kind: 'webhook', webhook: 'crm' },
      { id: 'done', kind: 'exit' },
    ],
    ...j,
  });
/** Branch conditions on one trait, looked up in a fixed profile plus the run's pending traits. */
const traitsEval =
  (traits: Record<string, unknown>): Evaluate =>
  (c: Condition, pending) => {
    if (!('trait' in c) || c.test.op !== 'eq') throw new Error('test evaluator supports trait eq only');
    const v = { ...traits, ...pending }[c.trait];
    return { matched: v === c.test.value, why: `trait ${c.trait} is ${JSON.stringify(v)}` };
  };
const noEval = traitsEval({});

describe('journey engine', () => {
  it('enters on its event and waits for checkout with a timeout', () => {
    const r = advance(journey(), null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval);
    expect(r.state).toMatchObject({ status: 'active', step: 'wait-checkout', wakeAt: T0 + 30 * MIN, waitingFor: 'checkout_start', runs: 1 });
    expect(r.effects).toEqual([]);
    // Other events and an early clock change nothing.
    expect(advance(journey(), r.state, { kind: 'event', name: 'page', at: T0 + MIN }, noEval).state).toEqual(r.state);
    expect(advance(journey(), r.state, { kind: 'time', at: T0 + 29 * MIN }, noEval).state).toEqual(r.state);
  });

  it('on timeout shows the reminder, queues the webhook and exits', () => {
    const j = journey();
    const waiting = advance(j, null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state;
    const r = advance(j, waiting, { kind: 'time', at: T0 + 30 * MIN }, noEval);
    expect(r.effects).toEqual([
      { kind: 'message', message: 'cart-reminder', journey: 'cart', step: 'remind' },
      { kind: 'webhook', webhook: 'crm', journey: 'cart', step: 'crm' },
    ]);
    expect(r.state).toMatchObject({ status: 'exited', step: 'done', wakeAt: null, endedAt: T0 + 30 * MIN });
    expect(r.log.map((l) => l.what)).toContain('no "checkout_start" in time');
  });

  it('the awaited event takes the onEvent path (no reminder)', () => {
    const j = journey();
    const waiting = advance(j, null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state;
    const r = advance(j, waiting, { kind: 'event', name: 'checkout_start', at: T0 + 5 * MIN }, noEval);
    expect(r.effects).toEqual([]);
    expect(r.state).toMatchObject({ status: 'exited', step: 'done' });
  });

  it('the goal ends the run as converted at any step', () => {
    const j = journey();
    const waiting = advance(j, null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state;
    const r = advance(j, waiting, { kind: 'event', name: 'purchase', at: T0 + MIN }, noEval);
    expect(r.state).toMatchObject({ status: 'converted', wakeAt: null, endedAt: T0 + MIN });
    expect(advance(j, r.state, { kind: 'time', at: T0 + 60 * MIN }, noEval).effects).toEqual([]);
  });

  it('branches on a condition, seeing traits set earlier in the same run', () => {
    const j = journey({
      entry: { segmentEntered: 'vip' },
      steps: [
        { id: 'tag', kind: 'setTrait', key: 'tier', value: 'gold' },
        { id: 'check', kind: 'branch', condition: { trait: 'tier', test: { op: 'eq', value: 'gold' } }, then: 'gold', else: 'other' },
        { id: 'other', kind: 'message', message: 'plain', next: 'end' },
        { id: 'gold', kind: 'message', message: 'gold-offer' },
        { id: 'end', kind: 'exit' },
      ],
    });
    const r = advance(j, null, { kind: 'segment', segment: 'vip', at: T0 }, noEval);
    expect(r.effects.map((e) => (e.kind === 'message' ? e.message : e.kind))).toEqual(['setTrait', 'gold-offer']);
    const j2 = journey({
      entry: { segmentEntered: 'vip' },
      steps: [
        { id: 'check', kind: 'branch', condition: { trait: 'tier', test: { op: 'eq', value: 'gold' } }, then: 'gold' },
        { id: 'plain', kind: 'message', message: 'plain', next: 'end' },
        { id: 'gold', kind: 'message', message: 'gold-offer' },
        { id: 'end', kind: 'exit' },
      ],
    });
    expect(advance(j2, null, { kind: 'segment', segment: 'vip', at: T0 }, traitsEval({ tier: 'silver' })).effects).toMatchObject([{ message: 'plain' }]);
    expect(advance(j2, null, { kind: 'segment', segment: 'other', at: T0 }, noEval).state).toBeNull();
  });

  it('a plain wait resumes on the clock and the end of the list completes the journey', () => {
    const j = journey({
      steps: [
        { id: 'w', kind: 'wait', minutes: 60 * 24 },
        { id: 'tag', kind: 'setTrait', key: 'nudged', value: true },
      ],
    });
    const s = advance(j, null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state;
    expect(s?.wakeAt).toBe(T0 + 24 * 60 * MIN);
    const r = advance(j, s, { kind: 'time', at: T0 + 24 * 60 * MIN + 5 }, noEval);
    expect(r.effects).toMatchObject([{ kind: 'setTrait', key: 'nudged', value: true }]);
    expect(r.state).toMatchObject({ status: 'completed', step: 'tag' });
  });

  it('re-entry rules: never, after-exit, after n days', () => {
    const ended: JourneyState = {
      journey: 'cart',
      status: 'exited',
      step: 'done',
      enteredAt: T0,
      stepSince: T0,
      wakeAt: null,
      waitingFor: null,
      endedAt: T0 + MIN,
      runs: 1,
    };
    const active: JourneyState = { ...ended, status: 'active', endedAt: null };
    expect(mayEnter(journey({ reentry: 'never' }), ended, T0 + 99 * 86_400_000)).toMatchObject({ ok: false });
    expect(mayEnter(journey({ reentry: 'after-exit' }), ended, T0 + 2 * MIN)).toEqual({ ok: true });
    expect(mayEnter(journey({ reentry: 'after-exit' }), active, T0 + 2 * MIN)).toMatchObject({ ok: false, why: 'already in it' });
    expect(mayEnter(journey({ reentry: { afterDays: 7 } }), ended, T0 + 6 * 86_400_000)).toMatchObject({ ok: false });
    expect(mayEnter(journey({ reentry: { afterDays: 7 } }), ended, T0 + 7 * 86_400_000)).toEqual({ ok: true });
    const again = advance(journey({ reentry: 'after-exit' }), ended, { kind: 'event', name: 'add_to_cart', at: T0 + 2 * MIN }, noEval).state;
    expect(again).toMatchObject({ status: 'active', runs: 2, enteredAt: T0 + 2 * MIN });
    // An active run is not restarted by another entry event.
    expect(advance(journey({ reentry: 'after-exit' }), again, { kind: 'event', name: 'add_to_cart', at: T0 + 3 * MIN }, noEval).state).toEqual(again);
  });

  it('a disabled journey admits nobody and lets active visitors go', () => {
    const j = journey({ enabled: false });
    expect(advance(j, null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state).toBeNull();
    const waiting = advance(journey(), null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state;
    expect(advance(j, waiting, { kind: 'time', at: T0 + MIN }, noEval).state).toMatchObject({ status: 'exited' });
  });

  it('a visitor waiting in a step the marketer removed leaves the journey', () => {
    const waiting = advance(journey(), null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state;
    const edited = journey({ steps: [{ id: 'remind', kind: 'message', message: 'cart-reminder' }] });
    const r = advance(edited, waiting, { kind: 'time', at: T0 + 40 * MIN }, noEval);
    expect(r.state).toMatchObject({ status: 'exited' });
    expect(r.effects).toEqual([]);
  });
});

describe('journey validation', () => {
  const issues = (j: Partial<JourneyInput>) => {
    const r = journeySchema.safeParse({ id: 'j', name: 'J', entry: { event: 'x' }, steps: [{ id: 'e', kind: 'exit' }], ...j });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('refuses unknown step targets, duplicate ids and loops without a wait', () => {
    expect(issues({ steps: [{ id: 'a', kind: 'branch', condition: { identified: true }, then: 'nope' }] })).toEqual([
      'steps.0.then: no step "nope" in this journey',
    ]);
    expect(
      issues({
        steps: [
          { id: 'a', kind: 'exit' },
          { id: 'a', kind: 'exit' },
        ],
      }),
    ).toEqual(['steps.1.id: duplicate step id "a"']);
    expect(
      issues({
        steps: [
          { id: 'a', kind: 'setTrait', key: 'k', value: 1 },
          { id: 'b', kind: 'message', message: 'm', next: 'a' },
        ],
      })[0],
    ).toMatch(/"a" → "b" → "a" loop without a wait/);
    // The same loop through a wait is fine.
    expect(
      issues({
        steps: [
          { id: 'a', kind: 'wait', minutes: 60 },
          { id: 'b', kind: 'message', message: 'm', next: 'a' },
        ],
      }),
    ).toEqual([]);
    expect(issues({ steps: [] })).toEqual(['steps: a journey needs at least one step']);
    expect(issues({ steps: [{ id: 'w', kind: 'wait', minutes: 0 }] })).toEqual(['steps.0.minutes: at least 1 minute']);
  });
});

describe('journey-granted messages in message selection', () => {
  it('a grant targets the message like a segment match; caps still apply, a segment match still explains first', async () => {
    const { selectMessages } = await import('../messages/select');
    const { messageSchema } = await import('../../../protocol/config/messages');
    const message = messageSchema.parse({ id: 'cart-reminder', name: 'Cart', type: 'toast', segments: ['cart-left'], body: 'Come back', caps: { perDay: 1 } });
    const history = (shown: number) => ({ shown: () => shown, shownAny: () => shown, lastShownAt: () => (shown ? T0 - MIN : null) });
    const base = { messages: [message], inSegments: new Set<string>(), visitorId: 'v1', now: T0, fatigue: { perDay: 5, minMinutesBetween: 0 } };
    expect(selectMessages({ ...base, history: history(0) }).skipped).toEqual([{ id: 'cart-reminder', reason: 'not in its segments ("cart-left")' }]);
    const granted = new Map([['cart-reminder', 'Cart abandonment']]);
    expect(selectMessages({ ...base, history: history(0), granted }).decisions[0]?.why).toMatch(/^journey "Cart abandonment"/);
    expect(selectMessages({ ...base, history: history(1), granted }).skipped[0]?.reason).toMatch(/daily cap reached/);
    expect(selectMessages({ ...base, inSegments: new Set(['cart-left']), history: history(0), granted }).decisions[0]?.why).toMatch(/^segment "cart-left"/);
  });
});

describe('journey engine: the email step', () => {
  it('queues the e-mail as an effect and moves on to the next step', () => {
    const j = journey({
      steps: [
        { id: 'wait-checkout', kind: 'waitFor', event: 'checkout_start', timeoutMinutes: 30, onEvent: 'done' },
        { id: 'mail', kind: 'email', template: 'cart-reminder' },
        { id: 'remind', kind: 'message', message: 'cart-reminder' },
        { id: 'done', kind: 'exit' },
      ],
    });
    const waiting = advance(j, null, { kind: 'event', name: 'add_to_cart', at: T0 }, noEval).state;
    const r = advance(j, waiting, { kind: 'time', at: T0 + 30 * MIN }, noEval);
    expect(r.effects).toEqual([
      { kind: 'email', template: 'cart-reminder', journey: 'cart', step: 'mail' },
      { kind: 'message', message: 'cart-reminder', journey: 'cart', step: 'remind' },
    ]);
    expect(r.log.map((l) => l.what)).toContain('e-mail "cart-reminder" queued');
    expect(r.state).toMatchObject({ status: 'exited', step: 'done' });
    // Reaching checkout first sends nothing.
    expect(advance(j, waiting, { kind: 'event', name: 'checkout_start', at: T0 + MIN }, noEval).effects).toEqual([]);
  });

  it('an email step names a template of the site (config/site.ts checks it) and is a strict object', () => {
    expect(journeySchema.safeParse({ ...journey(), steps: [{ id: 'm', kind: 'email', template: 'x', extra: 1 }] }).success).toBe(false);
    expect(journeySchema.safeParse({ ...journey(), steps: [{ id: 'm', kind: 'email', template: 'Bad Id' }] }).success).toBe(false);
  });
});
