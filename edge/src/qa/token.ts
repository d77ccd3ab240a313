/**
 * QA link tokens: `wq_<id>.<expiry>.<sig>`. `id` is 128 random bits (base64url), `expiry` the end
 * of validity in epoch seconds (base36), `sig` an HMAC-SHA256 cut to 128 bits over `id.expiry`,
 * keyed per site from the deployment secret, the way identify keys are (identity/signed.ts):
 *
 *   key = HMAC-SHA256(WM_SECRET, "qa-links:" + site)     sig = HMAC-SHA256(key, id + "." + expiry)
 *
 * So a token can be neither made up, nor moved to another site, nor extended. Whether its link was
 * revoked is the SiteAdmin object's to say (links.ts); this module only checks what the token
 * itself proves. Pure WebCrypto: runs in the Worker and in plain Node alike.
 */
import { QA_TOKEN_PATTERN, QA_TOKEN_PREFIX } from '../../../protocol/qa';
import { base64url } from '../identity/token';

const encoder = new TextEncoder();
const SIG_BYTES = 16;

async function hmac(key: Uint8Array | string, message: string): Promise<Uint8Array> {
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  const k = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(message)));
}

async function signature(secret: string, site: string, id: string, expiry: string): Promise<string> {
  const key = await hmac(secret, `qa-links:${site}`);
  return base64url((await hmac(key, `${id}.${expiry}`)).slice(0, SIG_BYTES));
}

/** A new link id: 128 random bits. */
export function newQaLinkId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** The token of link `id` of `site`, valid until `expiresAt` (epoch ms, rounded down to the second). */
export async function signQaToken(secret: string, site: string, id: string, expiresAt: number): Promise<string> {
  const expiry = Math.floor(expiresAt / 1000).toString(36);
  return `${QA_TOKEN_PREFIX}${id}.${expiry}.${await signature(secret, site, id, expiry)}`;
}

export type VerifiedQaToken = { id: string; expiresAt: number };

/** The link id and expiry when `token` is well-formed, signed for `site` and not expired at `now`; else null. */
export async function verifyQaToken(secret: string, site: string, token: string | null | undefined, now: number): Promise<VerifiedQaToken | null> {
  if (!token || !QA_TOKEN_PATTERN.test(token)) return null;
  const [id, expiry, sig] = token.slice(QA_TOKEN_PREFIX.length).split('.') as [string, string, string];
  const expiresAt = parseInt(expiry, 36) * 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return null;
  if (!sameString(sig, await signature(secret, site, id, expiry))) return null;
  return { id, expiresAt };
}

/** Constant-time comparison, so a forger learns nothing from response timing. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A URL without the QA parameter (analytics never store it; a redirect drops it): null when it had none or is not a URL. */
export function withoutQaParam(url: string | undefined, param: string): string | null {
  if (!url || !url.includes(`${param}=`)) return null;
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has(param)) return null;
    parsed.searchParams.delete(param);
    return parsed.href;
  } catch {
    return null;
  }
}

/** The QA parameter's value in a page URL, if any. */
export function qaParamOf(url: string | undefined, param: string): string | null {
  if (!url || !url.includes(`${param}=`)) return null;
  try {
    return new URL(url).searchParams.get(param);
  } catch {
    return null;
  }
}
