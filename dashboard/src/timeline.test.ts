import { describe, expect, it } from 'vitest';
import type { ProfileJourney } from '../../protocol/wire';
import { eventDetails, eventTitle, identityOf, journeyStatus, recentHistory, sortJourneys, stepLabel } from './timeline';

const journey = (over: Partial<ProfileJourney> = {}): ProfileJourney => ({
  id: 'cart',
  name: 'Cart',
  status: 'active',
  step: 'wait',
  since: 1_000,
  enteredAt: 1_000,
  wakeAt: null,
  endedAt: null,
  runs: 1,
  history: [],
  ...over,
});
const fmt = (t: number) => `t${t}`;

describe('journeyStatus', () => {
  it('says until when a visitor waits, and plain active once the wait is due', () => {
    expect(journeyStatus(journey({ wakeAt: 5_000 }), 4_000, fmt)).toEqual({ tone: 'waiting', label: 'waiting until t5000' });
    expect(journeyStatus(journey({ wakeAt: 5_000 }), 5_000, fmt)).toEqual({ tone: 'active', label: 'active' });
    expect(journeyStatus(journey(), 0, fmt)).toEqual({ tone: 'active', label: 'active' });
  });
  it('names ended journeys by how they ended', () => {
    for (const status of ['converted', 'exited', 'completed'] as const)
      expect(journeyStatus(journey({ status, wakeAt: 9_000 }), 0, fmt)).toEqual({ tone: status, label: status });
  });
});

describe('stepLabel', () => {
  const steps = [
    { id: 'wait', kind: 'waitFor' },
    { id: 'tell-crm', kind: 'webhook' },
    { id: 'odd', kind: 'future' },
  ];
  it('adds the kind from the config, and keeps the bare id for a step edited away', () => {
    expect(stepLabel('tell-crm', steps)).toBe('tell-crm (webhook)');
    expect(stepLabel('wait', steps)).toBe('wait (wait for event)');
    expect(stepLabel('odd', steps)).toBe('odd (future)');
    expect(stepLabel('gone', steps)).toBe('gone');
    expect(stepLabel('wait', undefined)).toBe('wait');
    expect(stepLabel(null, steps)).toBe('—');
  });
});

describe('recentHistory', () => {
  it('is newest first, entries of the same instant in reverse log order, and counts what it leaves out', () => {
    const history = [
      { at: 1, step: 'a', what: 'entered' },
      { at: 2, step: 'b', what: 'second' },
      { at: 2, step: 'c', what: 'third' },
      { at: 3, step: null, what: 'exited' },
    ];
    expect(recentHistory(journey({ history }), 3)).toEqual({ shown: [history[3], history[2], history[1]], older: 1 });
    expect(recentHistory(journey({ history }), 10).older).toBe(0);
  });
});

describe('sortJourneys', () => {
  it('puts running journeys first, then the most recently ended', () => {
    const list = [
      journey({ id: 'old', status: 'exited', endedAt: 10 }),
      journey({ id: 'new', status: 'converted', endedAt: 20 }),
      journey({ id: 'run', status: 'active', since: 5 }),
    ];
    expect(sortJourneys(list).map((j) => j.id)).toEqual(['run', 'new', 'old']);
  });
});

describe('identityOf', () => {
  it('is anonymous without a user id, else the user with their browsers, first linked first', () => {
    expect(identityOf({ userId: null })).toEqual({ kind: 'anonymous' });
    const devices = [
      { id: 'bbbbbbbb', linkedAt: 20, current: true },
      { id: 'aaaaaaaa', linkedAt: 10, current: false },
    ];
    expect(identityOf({ userId: 'u1', linkedVisitors: devices })).toEqual({ kind: 'user', userId: 'u1', devices: [devices[1], devices[0]] });
    expect(identityOf({ userId: 'u1' })).toEqual({ kind: 'user', userId: 'u1', devices: [] });
  });
});

describe('Segment events in the timeline', () => {
  const base = { id: 'e0000001', ts: 1, sid: 's0000001', url: 'https://shop.example/', receivedAt: 1 };
  it('titles group and alias events, with the group traits as details', () => {
    expect(eventTitle({ ...base, type: 'group', groupId: 'acme', traits: { plan: 'pro' } })).toBe('Joined group acme');
    expect(eventDetails({ ...base, type: 'group', groupId: 'acme', traits: { plan: 'pro' } })).toEqual([['plan', 'pro']]);
    expect(eventTitle({ ...base, type: 'alias', userId: 'u1', previousId: 'anon-1' })).toBe('Aliased to u1 (was anon-1)');
    expect(eventTitle({ ...base, type: 'alias', userId: 'u1' })).toBe('Aliased to u1');
  });
});
