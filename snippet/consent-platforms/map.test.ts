import { describe, expect, it } from 'vitest';
import { changed, foldGcm, mapCookiebot, mapGcm, mapOneTrust, mapTcf, oneTrustGroups, type GcmState } from './map';

/** What gtag pushes: its `arguments` object, not an array. */
function gtagArguments(..._args: unknown[]): IArguments {
  // eslint-disable-next-line prefer-rest-params -- gtag pushes exactly this object
  return arguments;
}

describe('Google Consent Mode v2', () => {
  it('folds default then update commands, as gtag pushes them', () => {
    const state: GcmState = {};
    expect(foldGcm(state, gtagArguments('consent', 'default', { analytics_storage: 'denied', personalization_storage: 'denied', wait_for_update: 500 }))).toBe(
      'default',
    );
    expect(state).toEqual({ analytics_storage: 'denied', personalization_storage: 'denied' });
    expect(foldGcm(state, gtagArguments('consent', 'update', { analytics_storage: 'granted' }))).toBe('update');
    expect(state).toEqual({ analytics_storage: 'granted', personalization_storage: 'denied' });
    expect(mapGcm(state, true)).toEqual({ analytics: true, personalization: false });
  });

  it('a default alone is not a choice', () => {
    expect(mapGcm({ analytics_storage: 'granted', personalization_storage: 'granted' }, false)).toBeNull();
  });

  it('ignores other dataLayer entries and malformed commands', () => {
    const state: GcmState = {};
    for (const entry of [
      { event: 'gtm.js' },
      gtagArguments('config', 'G-XXXX'),
      gtagArguments('consent', 'update'),
      gtagArguments('consent', 'revoke', { analytics_storage: 'granted' }),
      ['consent', 'update', null],
      null,
      'consent',
    ])
      expect(foldGcm(state, entry)).toBeNull();
    expect(foldGcm(state, gtagArguments('consent', 'update', { analytics_storage: 'yes', ad_storage: 'granted' }))).toBe('update');
    expect(state).toEqual({ ad_storage: 'granted' });
  });

  it('analytics_storage → analytics, personalization_storage → personalization; ad_* are not read', () => {
    expect(mapGcm({ analytics_storage: 'granted', personalization_storage: 'granted' }, true)).toEqual({ analytics: true, personalization: true });
    expect(mapGcm({ ad_storage: 'granted', ad_personalization: 'granted', ad_user_data: 'granted' }, true)).toEqual({
      analytics: false,
      personalization: false,
    });
    expect(mapGcm({ analytics_storage: 'denied', personalization_storage: 'granted' }, true)).toEqual({ analytics: false, personalization: true });
  });
});

describe('IAB TCF 2.2', () => {
  const consents = (...purposes: number[]) => Object.fromEntries(purposes.map((p) => [String(p), true]));

  it('analytics needs purposes 1 and 8; personalization needs 1, 5 and 6', () => {
    const tc = (eventStatus: string, ...purposes: number[]) => ({ gdprApplies: true, eventStatus, purpose: { consents: consents(...purposes) } });
    expect(mapTcf(tc('useractioncomplete', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))).toEqual({ analytics: true, personalization: true });
    expect(mapTcf(tc('tcloaded', 1, 8))).toEqual({ analytics: true, personalization: false });
    expect(mapTcf(tc('tcloaded', 1, 5, 6))).toEqual({ analytics: false, personalization: true });
    expect(mapTcf(tc('tcloaded', 8, 5, 6))).toEqual({ analytics: false, personalization: false });
    expect(mapTcf(tc('tcloaded', 1, 3, 4, 7, 9, 10))).toEqual({ analytics: false, personalization: false });
    expect(mapTcf(tc('useractioncomplete'))).toEqual({ analytics: false, personalization: false });
  });

  it('false purpose values and missing objects are refusals', () => {
    expect(mapTcf({ gdprApplies: true, eventStatus: 'tcloaded', purpose: { consents: { 1: true, 8: false } } })).toEqual({
      analytics: false,
      personalization: false,
    });
    expect(mapTcf({ gdprApplies: true, eventStatus: 'tcloaded' })).toEqual({ analytics: false, personalization: false });
  });

  it('no choice while the banner is shown, and none when GDPR does not apply', () => {
    expect(mapTcf({ gdprApplies: true, eventStatus: 'cmpuishown', purpose: { consents: consents(1, 8) } })).toBeNull();
    expect(mapTcf({ gdprApplies: false, eventStatus: 'tcloaded', purpose: { consents: consents(1, 8) } })).toBeNull();
    expect(mapTcf(null)).toBeNull();
  });
});

describe('OneTrust', () => {
  it('C0002 → analytics, C0003 → personalization, once the banner was closed', () => {
    expect(mapOneTrust(',C0001,C0002,', true)).toEqual({ analytics: true, personalization: false });
    expect(mapOneTrust(',C0001,C0003,C0004,', true)).toEqual({ analytics: false, personalization: true });
    expect(mapOneTrust(',C0001,', true)).toEqual({ analytics: false, personalization: false });
    expect(mapOneTrust(',C0001,C0002,C0003,', false)).toBeNull();
    expect(mapOneTrust(undefined, true)).toBeNull();
  });

  it('C00021 is not C0002', () => {
    expect(mapOneTrust(',C00021,C00031,', true)).toEqual({ analytics: false, personalization: false });
  });

  it('data-cmp-groups names other group ids', () => {
    const groups = oneTrustGroups('C0005, C0007');
    expect(groups).toEqual({ analytics: 'C0005', personalization: 'C0007' });
    expect(mapOneTrust(',C0001,C0002,C0007,', true, groups)).toEqual({ analytics: false, personalization: true });
    expect(oneTrustGroups(undefined)).toEqual({ analytics: 'C0002', personalization: 'C0003' });
    expect(oneTrustGroups('C0005')).toEqual({ analytics: 'C0002', personalization: 'C0003' });
  });
});

describe('Cookiebot', () => {
  it('statistics → analytics, preferences → personalization; marketing is not read', () => {
    expect(mapCookiebot({ hasResponse: true, consent: { statistics: true, preferences: false, marketing: true } })).toEqual({
      analytics: true,
      personalization: false,
    });
    expect(mapCookiebot({ hasResponse: true, consent: { statistics: false, preferences: true, marketing: false } })).toEqual({
      analytics: false,
      personalization: true,
    });
  });

  it('no response yet is no choice', () => {
    expect(mapCookiebot({ hasResponse: false, consent: { statistics: true, preferences: true } })).toBeNull();
    expect(mapCookiebot(undefined)).toBeNull();
  });
});

describe('only changes are sent', () => {
  it('compares with the last choice', () => {
    const yes = { analytics: true, personalization: true };
    expect(changed(undefined, yes)).toBe(true);
    expect(changed(yes, { ...yes })).toBe(false);
    expect(changed(yes, { analytics: true, personalization: false })).toBe(true);
    expect(changed(yes, null)).toBe(false);
    expect(changed(undefined, null)).toBe(false);
  });
});
