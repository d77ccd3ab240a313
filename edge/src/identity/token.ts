/**
 * Signed first-party visitor ids.
 *
 * A token is `<id>.<sig>`: `id` is 128 random bits, `sig` an HMAC-SHA256 over `site|id` cut to
 * 128 bits, both base64url. The signature binds the id to one site, so a token can neither be
 * made up nor moved to another site; only its holder can read or erase that profile.
 * Pure WebCrypto: runs in the Worker and in plain Node alike.
 */
const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SIG_BYTES = 16;

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * Signatures computed lately, per secret: a returning visitor's batch verifies its token and then
 * signs the same id again for the answer; both are the same HMAC, so the second (and the next
 * batches' ones) come from here. Bounded; the oldest entry goes first.
 */
export const SIGNATURE_MEMO_SIZE = 2_000;
const signatureMemo = new Map<string, Map<string, string>>();

async function signature(secret: string, site: string, id: string): Promise<string> {
  let memo = signatureMemo.get(secret);
  if (!memo) {
    memo = new Map();
    signatureMemo.set(secret, memo);
  }
  const message = `${site}|${id}`;
  const known = memo.get(message);
  if (known !== undefined) return known;
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message));
  const sig = base64url(new Uint8Array(mac).slice(0, SIG_BYTES));
  if (memo.size >= SIGNATURE_MEMO_SIZE) memo.delete(memo.keys().next().value ?? '');
  memo.set(message, sig);
  return sig;
}

/** Constant-time comparison, so a forger learns nothing from response timing. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function newVisitorId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * The visitor a `wm('reset')` starts (usecases/collect.ts): 128 bits of HMAC over the site and
 * the reset marker's id, so a resent reset batch lands in the same new profile (and is deduped
 * there) instead of minting another. Unguessable without the secret; someone who knows the
 * marker id has seen the browser's traffic, token included.
 */
export async function resetVisitorId(secret: string, site: string, resetId: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`reset|${site}|${resetId}`));
  return base64url(new Uint8Array(mac).slice(0, 16));
}

export async function signVisitorToken(secret: string, site: string, id: string): Promise<string> {
  return `${id}.${await signature(secret, site, id)}`;
}

/** The visitor id inside a token, or null when the token is malformed, forged or for another site. */
export async function verifyVisitorToken(secret: string, site: string, token: string | undefined | null): Promise<string | null> {
  if (!token || token.length > 100) return null;
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const id = token.slice(0, dot);
  if (!ID_PATTERN.test(id)) return null;
  return sameString(token.slice(dot + 1), await signature(secret, site, id)) ? id : null;
}
