/**
 * Admin password hashes: `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`, made by
 * `npm run admin:hash` (scripts/admin-hash.mjs, the same algorithm) and verified here with
 * WebCrypto PBKDF2-SHA-256. Pure: runs in the Worker and in plain Node.
 *
 * Cloudflare's production runtime refuses PBKDF2 above 100,000 iterations ("iteration counts
 * above 100000 are not supported"; cloudflare/workerd#1346) while local wrangler dev does not, so
 * a bigger count would pass every local test and fail every login in production. 100,000 is thus
 * both the minimum we accept and the maximum, and what the script writes.
 */
export const PBKDF2_ITERATIONS = 100_000;
const MIN_ITERATIONS = 100_000;
const MAX_ITERATIONS = 100_000;
const HASH_BYTES = 32;
const SALT_BYTES = 16;
const PREFIX = 'pbkdf2-sha256';

export type PasswordHash = { iterations: number; salt: Uint8Array; hash: Uint8Array };

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Parses the stored form; throws an Error naming what is wrong (a deployment mistake, not user input). */
export function parsePasswordHash(encoded: string): PasswordHash {
  const parts = encoded.trim().split('$');
  if (parts.length !== 4 || parts[0] !== PREFIX) throw new Error(`expected ${PREFIX}$<iterations>$<salt>$<hash>`);
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new Error(`iterations must be ${MIN_ITERATIONS} (the Workers runtime's PBKDF2 limit), got ${parts[1]}`);
  }
  const salt = fromBase64Url(parts[2] ?? '');
  const hash = fromBase64Url(parts[3] ?? '');
  if (!salt || salt.length < 16) throw new Error('salt must be at least 16 bytes of base64url');
  if (!hash || hash.length !== HASH_BYTES) throw new Error(`hash must be ${HASH_BYTES} bytes of base64url`);
  return { iterations, salt, hash };
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, salt: Uint8Array = crypto.getRandomValues(new Uint8Array(SALT_BYTES))): Promise<string> {
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${PREFIX}$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/** Compares every byte whatever the first difference: the time taken says nothing about the secret. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function constantTimeEqualText(a: string, b: string): boolean {
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(a), enc.encode(b));
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  return constantTimeEqual(await derive(password, stored.salt, stored.iterations), stored.hash);
}
