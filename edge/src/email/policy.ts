/**
 * Whether one e-mail may be sent to one profile now, and to which address: the address field holds
 * a valid address, the consent field says yes, the address is not on the site's suppression list,
 * and the frequency cap has room. Checked when the e-mail is sent (the visitor's alarm), so a
 * consent withdrawn or an unsubscribe made after the step still holds. Pure.
 */
import { isEmailAddress, type EmailSettings, type EmailSkipReason, type ProfileField } from '../../../protocol/config/email';

export type EmailProfile = { traits: Readonly<Record<string, unknown>>; prefs: Readonly<Record<string, unknown>> };

export function fieldValue(profile: EmailProfile, field: ProfileField): unknown {
  const record = field.source === 'trait' ? profile.traits : profile.prefs;
  return Object.prototype.hasOwnProperty.call(record, field.key) ? record[field.key] : undefined;
}

/** The profile's address, trimmed and lower-cased in the domain, or null when it is not a valid one. */
export function profileAddress(profile: EmailProfile, settings: Pick<EmailSettings, 'addressField'>): string | null {
  const raw = fieldValue(profile, settings.addressField);
  if (typeof raw !== 'string') return null;
  const address = raw.trim();
  if (!isEmailAddress(address)) return null;
  return normalizeAddress(address);
}

/** The suppression list's key: the local part as given (it may be case-sensitive), the domain lower-cased. */
export function normalizeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}

/** Consent is explicit: only `true` (or "true", as a form may send it) counts. */
export function hasEmailConsent(profile: EmailProfile, settings: Pick<EmailSettings, 'consentField'>): boolean {
  const v = fieldValue(profile, settings.consentField);
  return v === true || v === 'true';
}

export type SendCheck = { ok: true; address: string } | { ok: false; reason: EmailSkipReason; detail: string };

/**
 * The checks in order; `suppressed` and `sentInWindow` are asked only once an address and consent
 * are there (each may cost a lookup).
 */
export async function checkSend(
  settings: EmailSettings,
  profile: EmailProfile,
  template: string,
  lookups: { suppressed: (address: string) => Promise<boolean>; sentInWindow: (sinceMs: number) => number; now: number },
): Promise<SendCheck> {
  if (!settings.templates.some((t) => t.id === template)) return { ok: false, reason: 'no-template', detail: `no e-mail template "${template}"` };
  if (!settings.sender) return { ok: false, reason: 'no-sender', detail: 'the site has no e-mail sender set' };
  const address = profileAddress(profile, settings);
  if (!address) return { ok: false, reason: 'no-email', detail: `no valid address in ${settings.addressField.source} "${settings.addressField.key}"` };
  if (!hasEmailConsent(profile, settings))
    return { ok: false, reason: 'no-consent', detail: `${settings.consentField.source} "${settings.consentField.key}" is not true` };
  if (await lookups.suppressed(address)) return { ok: false, reason: 'suppressed', detail: 'the address is on the suppression list' };
  const cap = settings.frequencyCap;
  const sent = lookups.sentInWindow(lookups.now - cap.days * 86_400_000);
  if (sent >= cap.max) return { ok: false, reason: 'capped', detail: `${sent} e-mails in the last ${cap.days} days (cap: ${cap.max})` };
  return { ok: true, address };
}

/** The recipient as the delivery log lists it: first character of the local part and the domain. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***@${address.slice(at + 1)}`;
}
