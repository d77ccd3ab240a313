import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../protocol/wire';
import { explicitConsent, gpcFromHeader, personalizationAllowed, requestConsent, storageVerdict } from './policy';

const consentEvent = (ts: number, analytics: boolean): WireEvent => ({
  id: `consent-${ts}`,
  type: 'consent',
  ts,
  sid: 'session-1',
  url: 'https://shop.example/',
  consent: { analytics, personalization: analytics },
});

describe('storage verdict', () => {
  it.each([
    // policy, gpc, explicit analytics, expected store, basis
    ['opt-out', false, undefined, true, 'default'],
    ['opt-out', true, undefined, false, 'gpc'],
    ['opt-out', true, true, true, 'explicit'],
    ['opt-out', false, false, false, 'explicit-denial'],
    ['opt-in', false, undefined, false, 'opt-in-pending'],
    ['opt-in', false, true, true, 'explicit'],
    ['opt-in', true, false, false, 'explicit-denial'],
  ] as const)('%s, gpc=%s, explicit=%s -> store=%s (%s)', (policy, gpc, analytics, store, basis) => {
    const explicit = analytics === undefined ? undefined : { analytics, personalization: false };
    expect(storageVerdict(policy, gpc, explicit)).toEqual({ store, basis });
  });

  it('takes the latest consent event of the batch over the carried state', () => {
    const events = [consentEvent(2, false), consentEvent(3, true), consentEvent(1, false)];
    expect(explicitConsent(events, { analytics: false, personalization: false })).toEqual({ analytics: true, personalization: true });
    expect(explicitConsent([], { analytics: false, personalization: true })).toEqual({ analytics: false, personalization: true });
    expect(explicitConsent([], undefined)).toBeUndefined();
  });

  it('reads only Sec-GPC: 1 as a signal', () => {
    expect(gpcFromHeader('1')).toBe(true);
    expect(gpcFromHeader(' 1 ')).toBe(true);
    for (const v of [undefined, null, '', '0', 'true', 'yes']) expect(gpcFromHeader(v)).toBe(false);
  });
});

describe('personalization', () => {
  it('follows the explicit choice, else opt-out without GPC', () => {
    expect(personalizationAllowed('opt-out', false, undefined)).toBe(true);
    expect(personalizationAllowed('opt-out', true, undefined)).toBe(false);
    expect(personalizationAllowed('opt-in', false, undefined)).toBe(false);
    expect(personalizationAllowed('opt-in', true, { analytics: true, personalization: true })).toBe(true);
    expect(personalizationAllowed('opt-out', false, { analytics: true, personalization: false })).toBe(false);
  });
});

describe('request consent', () => {
  it('joins the storage verdict and the personalization flag, decided from the same inputs', () => {
    expect(requestConsent('opt-out', false, undefined)).toEqual({ store: true, basis: 'default', personalize: true });
    expect(requestConsent('opt-out', true, undefined)).toEqual({ store: false, basis: 'gpc', personalize: false });
    expect(requestConsent('opt-in', false, undefined)).toEqual({ store: false, basis: 'opt-in-pending', personalize: false });
    // Analytics yes, personalization no: stored, never personalized.
    expect(requestConsent('opt-in', true, { analytics: true, personalization: false })).toEqual({ store: true, basis: 'explicit', personalize: false });
  });
});
