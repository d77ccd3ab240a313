/**
 * Standard Webhooks 1.0 (https://www.standardwebhooks.com), symmetric scheme: the signer and the
 * verifier for any outbound message the edge signs (journey webhooks today, other destinations
 * later). Headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`, a
 * space-separated list of `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per active key
 * (two during a rotation). WebCrypto only, so it runs the same in workerd, Node and the browser.
 */
import { secretKeyBytes } from '../../../protocol/config/webhooks';

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';
/** Receivers refuse timestamps further than this from their clock, either way (replays, skew). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** A new secret: `whsec_` + base64 of `bytes` random bytes (at least 24; 32 by default). */
export function generateSecret(bytes = 32): string {
  if (bytes < 24) throw new RangeError('a webhook secret needs at least 24 random bytes');
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(bytes)))}`;
}

async function hmacBase64(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', secretKeyBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text))));
}

/** The `webhook-signature` value: one `v1,<sig>` per secret, space-separated (spec "rotation"). */
export async function signatureHeader(secrets: readonly string[], msgId: string, timestampSeconds: number, body: string): Promise<string> {
  if (secrets.length === 0) throw new Error('no signing secret');
  // The spec: id and timestamp must not contain "." (the signed text is split on it).
  if (msgId.includes('.') || msgId === '') throw new Error('a webhook id must be non-empty and contain no "."');
  const signed = `${msgId}.${timestampSeconds}.${body}`;
  const sigs = await Promise.all(secrets.map(async (s) => `v1,${await hmacBase64(s, signed)}`));
  return sigs.join(' ');
}

export type StandardWebhookHeaders = { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };

/** The three headers for `body`, sent at `nowMs`, signed with every secret in `secrets`. */
export async function signWebhook(secrets: readonly string[], msgId: string, body: string, nowMs: number): Promise<StandardWebhookHeaders> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [WEBHOOK_ID_HEADER]: msgId,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: await signatureHeader(secrets, msgId, timestamp, body),
  };
}

export type Verification = { ok: true; id: string; timestamp: number } | { ok: false; reason: string };

type HeaderSource = Headers | Readonly<Record<string, string | undefined>>;
const header = (h: HeaderSource, name: string): string | null =>
  h instanceof Headers ? h.get(name) : (Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1] ?? null);

/** Constant-time comparison (the spec requires it: a timing leak would make receivers signing oracles). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * What a receiver does: the headers are present and well-formed, the timestamp is within ±300 s of
 * `nowMs`, and at least one `v1` signature matches one of `secrets` (several during a rotation).
 */
export async function verifyWebhook(secrets: readonly string[], headers: HeaderSource, body: string, nowMs: number): Promise<Verification> {
  const id = header(headers, WEBHOOK_ID_HEADER);
  const ts = header(headers, WEBHOOK_TIMESTAMP_HEADER);
  const sig = header(headers, WEBHOOK_SIGNATURE_HEADER);
  if (!id || !ts || !sig) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
  if (id.includes('.')) return { ok: false, reason: 'webhook-id must not contain "."' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'webhook-timestamp is not unix seconds' };
  const timestamp = Number(ts);
  const now = Math.floor(nowMs / 1000);
  if (timestamp < now - TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: 'webhook-timestamp is too old (more than 300 s)' };
  if (timestamp > now + TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: 'webhook-timestamp is too far in the future (more than 300 s)' };
  const offered = sig
    .split(' ')
    .map((s) => s.split(','))
    .filter((parts) => parts[0] === 'v1' && parts.length === 2 && parts[1])
    .map((parts) => parts[1] as string);
  if (offered.length === 0) return { ok: false, reason: 'no v1 signature in webhook-signature' };
  const signed = `${id}.${timestamp}.${body}`;
  for (const secret of secrets) {
    const expected = await hmacBase64(secret, signed);
    if (offered.some((o) => sameText(o, expected))) return { ok: true, id, timestamp };
  }
  return { ok: false, reason: 'no signature matches' };
}
