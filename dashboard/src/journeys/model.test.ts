import { describe, expect, it } from 'vitest';
import { blankJourney, blankStep, cleanStep, duration, entryText, journeyDraft, KINDS, minutesFrom, reentryText, stepText, unitFor } from './model';

describe('durations', () => {
  it('reads minutes in the largest whole unit', () => {
    expect([30, 120, 2880, 1440, 0, 'x'].map(duration)).toEqual(['30 min', '2 h', '2 days', '1 day', '?', '?']);
    expect([30, 120, 2880, 0].map(unitFor)).toEqual(['minutes', 'hours', 'days', 'minutes']);
  });
  it('turns an amount in a unit into minutes, keeping what is not a number as typed', () => {
    expect(minutesFrom('2', 'hours')).toBe(120);
    expect(minutesFrom('1.5', 'days')).toBe(2160);
    expect(minutesFrom('0.001', 'minutes')).toBe(0.001);
    expect(minutesFrom('', 'hours')).toBe('');
    expect(minutesFrom('soon', 'hours')).toBe('soon');
  });
});

describe('the list summaries', () => {
  const segments = new Map([['vip', 'VIPs']]);
  it('says what starts a journey', () => {
    expect(entryText({ segmentEntered: 'vip' }, segments)).toBe('enters segment “VIPs”');
    expect(entryText({ event: 'add_to_cart' }, segments)).toBe('event “add_to_cart”');
    expect(entryText(undefined, segments)).toBe('?');
  });
  it('says when a visitor may enter again', () => {
    expect([undefined, 'never', 'after-exit', { afterDays: 30 }].map(reentryText)).toEqual(['once', 'once', 'again after leaving', 'again after 30 days']);
  });
  it('gives each step a few words', () => {
    expect(
      [
        { kind: 'message', message: 'promo' },
        { kind: 'setTrait', key: 'plan' },
        { kind: 'webhook', webhook: 'crm' },
        { kind: 'wait', minutes: 60 },
        { kind: 'waitFor', event: 'checkout', timeoutMinutes: 1440 },
        { kind: 'branch' },
        { kind: 'exit' },
      ].map(stepText),
    ).toEqual(['message promo', 'set plan', 'webhook crm', 'wait 1 h', 'wait for checkout (≤ 1 day)', 'branch', 'exit']);
  });
});

describe('steps', () => {
  it('starts every kind with the first free id', () => {
    const steps = [{ id: 'step-2' }];
    expect(blankStep('wait', steps)).toEqual({ id: 'step-3', kind: 'wait', minutes: 60 });
    expect(blankStep('nonsense', [])).toEqual({ id: 'step-1', kind: 'exit' });
    for (const kind of Object.keys(KINDS)) expect(blankStep(kind, [])['kind']).toBe(kind);
  });
  it('keeps only the fields of the step’s kind, and none left empty', () => {
    expect(cleanStep({ id: 's', kind: 'wait', minutes: 5, message: 'left over', next: '' })).toEqual({ id: 's', kind: 'wait', minutes: 5 });
    // Best time: the wait's own option is kept; unticked (undefined) it is dropped.
    expect(cleanStep({ id: 's', kind: 'wait', minutes: 5, until: 'best-hour' })).toEqual({ id: 's', kind: 'wait', minutes: 5, until: 'best-hour' });
    expect(cleanStep({ id: 's', kind: 'wait', minutes: 5, until: undefined })).toEqual({ id: 's', kind: 'wait', minutes: 5 });
    expect(stepText({ id: 's', kind: 'wait', minutes: 60, until: 'best-hour' })).toBe('wait 1 h, then until their usual hour');
  });
});

describe('journeyDraft', () => {
  it('cleans the steps and drops a goal without an event', () => {
    const d = journeyDraft({ ...blankJourney(), id: ' cart ', goal: { event: '' } }, {}, { isNew: true, existing: [] });
    expect(d).toEqual({
      id: 'cart',
      issues: [],
      body: {
        id: 'cart',
        name: '',
        enabled: true,
        entry: { event: 'add_to_cart' },
        reentry: 'never',
        steps: [{ id: 'wait', kind: 'waitFor', event: 'checkout_start', timeoutMinutes: 30 }],
      },
    });
  });
  it('refuses a taken id and branch conditions that are not JSON', () => {
    const d = journeyDraft({ id: 'cart', steps: [] }, { 2: 'not valid JSON', 3: '' }, { isNew: true, existing: [{ id: 'cart' }] });
    expect(d.issues).toEqual([
      { path: 'id', message: 'a journey “cart” already exists' },
      { path: 'steps.2.condition', message: 'not valid JSON' },
    ]);
  });
});
