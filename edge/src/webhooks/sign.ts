/**
 * The pre-Standard-Webhooks signature, Stripe-style: `Waymark-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>">`, keyed with the secret string's UTF-8 bytes. Deprecated: sent
 * alongside the Standard Webhooks headers (net/standard-webhooks.ts) for one release so receivers
 * can switch, then removed. WebCrypto only, so the same code runs in workerd and in Node tests.
 */
export const SIGNATURE_HEADER = 'Waymark-Signature';
/** Receivers should refuse signatures older than this (replay window). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The header value for `body` sent at `nowMs`. */
export async function signPayload(secret: string, body: string, nowMs: number): Promise<string> {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

/** Constant-time comparison of two hex strings. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type Verification = { ok: true } | { ok: false; reason: string };

/** What a receiver does (the demo sink, and any integrator): check format, age and MAC. */
export async function verifySignature(secret: string, body: string, header: string | null, nowMs: number): Promise<Verification> {
  if (!header) return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1) return { ok: false, reason: 'malformed signature header (want t=<seconds>,v1=<hex>)' };
  if (Math.abs(nowMs / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'signature timestamp outside the replay window' };
  return sameHex(await hmacHex(secret, `${t}.${body}`), v1.toLowerCase()) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
