/**
 * The per-site write key of the Segment HTTP Tracking API (POST /_wm/v1/*).
 *
 *   key = "wk_" + site + "_" + version + "_" + base64url(HMAC-SHA256(WM_SECRET, "segment-write-key:" + site + ":" + version))
 *
 * Derived, like the identify key (identity/signed.ts), rather than random and stored hashed: there
 * is nothing secret at rest (a KV leak gives no key), Settings can show the key again at any time,
 * and checking it is one HMAC with no lookup. Rotating bumps the site's version counter (KV,
 * `segment-key-version:<site>`): the old key stops verifying at once in this isolate, and within
 * KV's cache time (up to about a minute) everywhere. The site and version ride in the key, so the
 * API needs no other site parameter; the MAC binds them, so neither can be changed. Rotating
 * WM_SECRET changes every site's key (as it does the identify keys). Pure except the KV counter.
 */
import { base64url } from '../identity/token';

const encoder = new TextEncoder();
const KEY_PATTERN = /^wk_([a-z0-9][a-z0-9-]{0,62})_(\d{1,9})_([A-Za-z0-9_-]{43})$/;
export const WRITE_KEY_VERSION_PREFIX = 'segment-key-version:';

async function mac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message))));
}

export async function writeKeyFor(secret: string, site: string, version: number): Promise<string> {
  return `wk_${site}_${version}_${await mac(secret, `segment-write-key:${site}:${version}`)}`;
}

/** The site and version a key names, before its MAC is checked; null when it is not shaped like a write key. */
export function parseWriteKey(key: string): { site: string; version: number } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { site: m[1]!, version: Number(m[2]) } : null;
}

/** Constant-time comparison, so a forger learns nothing from response timing. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Whether `key` is the site's key for `currentVersion` (a rotated-away key is not). */
export async function verifyWriteKey(secret: string, key: string, currentVersion: number): Promise<{ site: string } | null> {
  const named = parseWriteKey(key);
  if (!named || named.version !== currentVersion) return null;
  return sameString(key, await writeKeyFor(secret, named.site, named.version)) ? { site: named.site } : null;
}

/**
 * The write key a request presents: HTTP Basic with the key as user name and an empty password
 * (Segment's libraries; a missing colon is accepted too, as Segment does), else `writeKey` in the body.
 */
export function presentedWriteKey(authorization: string | undefined, bodyWriteKey: unknown): string | undefined {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (basic) {
    let decoded: string;
    try {
      decoded = atob(basic[1]!);
    } catch {
      return undefined;
    }
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(0, colon) : decoded;
  }
  return typeof bodyWriteKey === 'string' ? bodyWriteKey : undefined;
}

/** The KV counter (0 until the first rotation). */
export async function currentKeyVersion(kv: KVNamespace, site: string): Promise<number> {
  const raw = await kv.get(WRITE_KEY_VERSION_PREFIX + site);
  const n = raw === null ? 0 : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export async function rotateKeyVersion(kv: KVNamespace, site: string): Promise<number> {
  const next = (await currentKeyVersion(kv, site)) + 1;
  await kv.put(WRITE_KEY_VERSION_PREFIX + site, String(next));
  return next;
}
