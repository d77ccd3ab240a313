import { describe, expect, it } from 'vitest';
import cases from '../../../protocol/config/cases.json';
import { conditionSchema } from '../../../protocol/config/conditions';
import { deviceFromHeaders, evaluate, type Facts } from './evaluate';
import { historyOf } from './memory-history';

type CaseFacts = Partial<Omit<Facts, 'history'>> & { events?: { name: string; ts: number }[] };

function facts(partial: CaseFacts): Facts {
  const merged = { ...(cases.defaults as CaseFacts), ...partial } as Required<CaseFacts>;
  const { events, ...rest } = merged;
  return { ...rest, history: historyOf(events) };
}

describe('golden condition cases', () => {
  for (const [name, condition, input, expected] of cases.cases as [string, unknown, CaseFacts, boolean][]) {
    it(name, () => {
      const parsed = conditionSchema.parse(condition);
      const outcome = evaluate(parsed, facts(input));
      expect(outcome.matched).toBe(expected);
      expect(outcome.why.length).toBeGreaterThan(3);
    });
  }
});

describe('explanations', () => {
  it('say which tests matched, with the actual values', () => {
    const outcome = evaluate(
      conditionSchema.parse({
        all: [
          { pref: 'sport', test: { op: 'eq', value: 'trail' } },
          { event: 'add_to_cart', within: '30m' },
        ],
      }),
      facts({ prefs: { sport: 'trail' }, events: [{ name: 'add_to_cart', ts: 1_800_000_000_000 - 60_000 }] }),
    );
    expect(outcome).toEqual({ matched: true, why: 'pref sport eq "trail" (is "trail") and at least 1 "add_to_cart" in the last 30m (was 1)' });
  });

  it('name the first failing test for a miss', () => {
    const outcome = evaluate(conditionSchema.parse({ all: [{ identified: false }, { device: 'mobile' }] }), facts({ request: { device: 'desktop' } }));
    expect(outcome).toEqual({ matched: false, why: 'device is mobile (is "desktop")' });
  });
});

describe('condition schema', () => {
  it.each([
    [{ pref: 'sport' }, 'a leaf without its test'],
    [{ all: [] }, 'an empty all'],
    [{ event: 'x', within: '30 minutes' }, 'a malformed duration'],
    [{ page: 'path', test: { op: 'matches', value: '.*' } }, 'an unknown operator'],
    [{ pref: 'sport', test: { op: 'gt', value: 'x' } }, 'a numeric operator with a string'],
    [{ device: 'fridge' }, 'an unknown device'],
  ] as [unknown, string][])('refuses %j (%s)', (condition, _why) => {
    expect(conditionSchema.safeParse(condition).success).toBe(false);
  });

  it('refuses trees nested too deep', () => {
    let deep: unknown = { identified: true };
    for (let i = 0; i < 12; i++) deep = { not: deep };
    expect(conditionSchema.safeParse(deep).success).toBe(false);
  });
});

describe('device from headers', () => {
  it.each([
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148', null, 'mobile'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36', null, 'mobile'],
    ['Mozilla/5.0 (Linux; Android 14; SM-X910) Safari/537.36', null, 'tablet'],
    ['Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)', null, 'tablet'],
    ['Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36', null, 'desktop'],
    ['Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36', '?1', 'mobile'],
    [undefined, null, 'desktop'],
  ] as const)('%s -> %s', (ua, ch, device) => {
    expect(deviceFromHeaders(ua, ch)).toBe(device);
  });
});
