/**
 * The signed one-click unsubscribe token of every e-mail (RFC 8058): who (site, address, and the
 * profile to clear the consent of) and until when, signed with the identify signing helpers
 * (identity/signed.ts) under a key of its own: HMAC(WM_SECRET, "identify:" + site + "#email-unsubscribe")
 * (`#` is never part of a site id, so no identify key is ever the same). The token is
 * `<base64url(JSON)>.<signature>`; nothing in it is secret, nothing in it can be changed. Pure.
 */
import { identifyKey, signUserId, verifySignedUserId } from '../identity/signed';
import { base64url } from '../identity/token';
import { isEmailAddress } from '../../../protocol/config/email';

/** An unsubscribe link works this long after the e-mail (List-Unsubscribe links are used late). */
export const UNSUBSCRIBE_TTL_MS = 180 * 86_400_000;
export const UNSUBSCRIBE_PATH = '/_wm/email/unsubscribe';

/** Whose e-mail it was: a user's golden record (`u`) or an anonymous visitor's profile (`v`). */
export type UnsubscribeClaim = { site: string; address: string; profile: { kind: 'u' | 'v'; id: string }; expiresAt: number };

const unsubscribeKey = (secret: string, site: string) => identifyKey(secret, `${site}#email-unsubscribe`);

function fromBase64url(text: string): string | null {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

export async function signUnsubscribe(secret: string, claim: UnsubscribeClaim): Promise<string> {
  const payload = base64url(
    new TextEncoder().encode(JSON.stringify({ s: claim.site, a: claim.address, k: claim.profile.kind, p: claim.profile.id, e: claim.expiresAt })),
  );
  return `${payload}.${await signUserId(await unsubscribeKey(secret, claim.site), claim.site, payload)}`;
}

export type UnsubscribeVerdict = { ok: true; claim: UnsubscribeClaim } | { ok: false; status: 400 | 403 | 410; reason: string };

/** Checks a token for `site` at `now`: shape, signature (constant time), then expiry. */
export async function verifyUnsubscribe(secret: string, site: string, token: string, now: number): Promise<UnsubscribeVerdict> {
  if (token.length > 2_000 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/.test(token))
    return { ok: false, status: 400, reason: 'this unsubscribe link is malformed' };
  const checked = await verifySignedUserId(await unsubscribeKey(secret, site), site, token);
  if (checked.kind !== 'verified') return { ok: false, status: 403, reason: 'this unsubscribe link is not valid (it was changed or is for another site)' };
  const json = fromBase64url(checked.userId);
  let parsed: unknown;
  try {
    parsed = json === null ? null : JSON.parse(json);
  } catch {
    parsed = null;
  }
  const p = parsed as { s?: unknown; a?: unknown; k?: unknown; p?: unknown; e?: unknown } | null;
  if (!p || p.s !== site || !isEmailAddress(p.a) || (p.k !== 'u' && p.k !== 'v') || typeof p.p !== 'string' || p.p.length === 0 || typeof p.e !== 'number') {
    return { ok: false, status: 400, reason: 'this unsubscribe link is malformed' };
  }
  if (p.e < now) return { ok: false, status: 410, reason: 'this unsubscribe link has expired: use the link of a newer e-mail' };
  return { ok: true, claim: { site, address: p.a, profile: { kind: p.k, id: p.p }, expiresAt: p.e } };
}

/** The link of List-Unsubscribe and `{{ unsubscribe_url }}`. */
export function unsubscribeUrl(origin: string, site: string, token: string): string {
  return `${origin}${UNSUBSCRIBE_PATH}?site=${encodeURIComponent(site)}&t=${token}`;
}
