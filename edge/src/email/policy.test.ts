import { describe, expect, it } from 'vitest';
import { emailSettingsSchema } from '../../../protocol/config/email';
import { checkSend, hasEmailConsent, maskAddress, normalizeAddress, profileAddress } from './policy';

const settings = emailSettingsSchema.parse({
  templates: [{ id: 'cart', name: 'Cart', subject: 'Your cart', html: '<p>x</p>', text: 'x' }],
  sender: { name: 'Shop', address: 'news@shop.example.com' },
  frequencyCap: { max: 2, days: 7 },
});
const ok = { traits: { email: ' Ada@Example.COM ' }, prefs: { email_consent: true } };
const lookups = (over: Partial<{ suppressed: boolean; sent: number }> = {}) => ({
  suppressed: async () => over.suppressed ?? false,
  sentInWindow: () => over.sent ?? 0,
  now: 1_000_000_000_000,
});

describe('who may get an e-mail', () => {
  it('defaults: address in trait "email", consent in pref "email_consent" (true only)', () => {
    expect(profileAddress(ok, settings)).toBe('Ada@example.com');
    expect(profileAddress({ traits: { email: 'not an address' }, prefs: {} }, settings)).toBeNull();
    expect(profileAddress({ traits: { email: 'a@b.co\r\nBcc: x@y.z' }, prefs: {} }, settings)).toBeNull();
    expect(hasEmailConsent({ traits: {}, prefs: { email_consent: 'true' } }, settings)).toBe(true);
    for (const v of [false, 'yes', 1, null, undefined]) expect(hasEmailConsent({ traits: {}, prefs: { email_consent: v } }, settings)).toBe(false);
    // The field is configurable: consent from a trait set by identify.
    const traitConsent = emailSettingsSchema.parse({ consentField: { source: 'trait', key: 'newsletter' } });
    expect(hasEmailConsent({ traits: { newsletter: true }, prefs: {} }, traitConsent)).toBe(true);
  });

  it('checks in order: template, sender, address, consent, suppression, cap', async () => {
    expect(await checkSend(settings, ok, 'cart', lookups())).toEqual({ ok: true, address: 'Ada@example.com' });
    expect(await checkSend(settings, ok, 'gone', lookups())).toMatchObject({ ok: false, reason: 'no-template' });
    expect(await checkSend({ ...settings, sender: undefined }, ok, 'cart', lookups())).toMatchObject({ ok: false, reason: 'no-sender' });
    expect(await checkSend(settings, { traits: {}, prefs: { email_consent: true } }, 'cart', lookups())).toMatchObject({ ok: false, reason: 'no-email' });
    expect(await checkSend(settings, { ...ok, prefs: {} }, 'cart', lookups())).toMatchObject({ ok: false, reason: 'no-consent' });
    expect(await checkSend(settings, ok, 'cart', lookups({ suppressed: true }))).toMatchObject({ ok: false, reason: 'suppressed' });
    expect(await checkSend(settings, ok, 'cart', lookups({ sent: 1 }))).toMatchObject({ ok: true });
    expect(await checkSend(settings, ok, 'cart', lookups({ sent: 2 }))).toMatchObject({
      ok: false,
      reason: 'capped',
      detail: '2 e-mails in the last 7 days (cap: 2)',
    });
  });

  it('masks recipients and normalizes the domain only', () => {
    expect(maskAddress('ada@example.com')).toBe('a***@example.com');
    expect(normalizeAddress('Ada.L@EXAMPLE.com')).toBe('Ada.L@example.com');
  });
});
