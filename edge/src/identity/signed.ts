/**
 * Signed identify (identity verification). The site's own server signs the user id with a
 * per-site key, and the page sends `wm('identify', "<userId>.<sig>", traits)`: the snippet needs
 * no change, the signature rides in the user id string. The edge checks and strips it before
 * anything is stored, so only a browser the site's server vouched for joins a golden record.
 *
 *   key = base64url(HMAC-SHA256(WM_SECRET, "identify:" + site))   (shown to the site's owner)
 *   sig = base64url(HMAC-SHA256(utf8(key), site + ":" + userId))   (computed by the site's server)
 *
 * Pure WebCrypto: runs in the Worker and in plain Node alike.
 */
import type { RejectedEvent, WireEvent } from '../../../protocol/wire';
import { base64url } from './token';

const encoder = new TextEncoder();
/** base64url of a whole SHA-256 MAC, no padding. */
const SIG_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A verified user id is stored within the limit unsigned ids had before signatures existed. */
export const MAX_USER_ID_LENGTH = 200;

async function hmac(key: string, message: string): Promise<string> {
  const k = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(message))));
}

/** Constant-time comparison, so a forger learns nothing from response timing. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The site's identify key, derived from the deployment secret (so there is nothing extra to store or rotate). */
export function identifyKey(secret: string, site: string): Promise<string> {
  return hmac(secret, `identify:${site}`);
}

/** What the site's server computes; the same as Node's `createHmac('sha256', key).update(site + ':' + userId).digest('base64url')`. */
export function signUserId(key: string, site: string, userId: string): Promise<string> {
  return hmac(key, `${site}:${userId}`);
}

export type SignedUserId =
  /** A valid signature: the user id without it. */
  | { kind: 'verified'; userId: string }
  /** No signature part at all (no '.', or what follows the last '.' is not a signature's shape). */
  | { kind: 'unsigned' }
  /** Shaped like "<userId>.<sig>" but the signature is not this site's for this user id. */
  | { kind: 'invalid' };

/** Splits "<userId>.<sig>" at its last '.' (a user id may itself contain dots) and checks the signature. */
export async function verifySignedUserId(key: string, site: string, claimed: string): Promise<SignedUserId> {
  const dot = claimed.lastIndexOf('.');
  if (dot <= 0) return { kind: 'unsigned' };
  const userId = claimed.slice(0, dot);
  const sig = claimed.slice(dot + 1);
  if (!SIG_PATTERN.test(sig)) return { kind: 'unsigned' };
  return sameString(sig, await signUserId(key, site, userId)) ? { kind: 'verified', userId } : { kind: 'invalid' };
}

/**
 * Checks every identify (and alias) event of a parsed batch. Verified ids lose their signature. When the
 * site requires signatures, an unsigned or wrongly signed identify is refused (the rest of the
 * batch is kept); when it does not, such ids pass unchanged, exactly as before signatures existed,
 * so a site can start sending signed ids before it switches the requirement on.
 *
 * `rejected` are the batch's refusals so far: the kept events are the batch's events minus those,
 * in order, which gives each kept event its index in the original batch.
 */
export async function checkIdentifies(
  events: readonly WireEvent[],
  rejected: readonly RejectedEvent[],
  opts: { key: string; site: string; required: boolean },
): Promise<{ events: WireEvent[]; rejected: RejectedEvent[] }> {
  const refusedAt = new Set(rejected.map((r) => r.index));
  const kept: WireEvent[] = [];
  const refused: RejectedEvent[] = [...rejected];
  let index = 0;
  for (const event of events) {
    while (refusedAt.has(index)) index++;
    const at = index++;
    // An alias claims its userId for this browser exactly as an identify does (identity/stitch.ts).
    if (event.type !== 'identify' && event.type !== 'alias') {
      kept.push(event);
      continue;
    }
    const checked = await verifySignedUserId(opts.key, opts.site, event.userId);
    const refuse = (reason: string) => refused.push({ index: at, id: event.id, reason });
    if (checked.kind === 'verified') {
      if (checked.userId.length > MAX_USER_ID_LENGTH) refuse(`userId: longer than ${MAX_USER_ID_LENGTH} characters (without its signature)`);
      else kept.push({ ...event, userId: checked.userId });
    } else if (opts.required) {
      refuse(
        checked.kind === 'invalid'
          ? 'userId: the identify signature is not valid for this site and user id'
          : 'userId: this site requires a signed identify ("<userId>.<signature>", see Settings > Identity verification)',
      );
    } else if (event.userId.length > MAX_USER_ID_LENGTH) {
      refuse(`userId: longer than ${MAX_USER_ID_LENGTH} characters`);
    } else {
      kept.push(event);
    }
  }
  refused.sort((a, b) => a.index - b.index);
  return { events: kept, rejected: refused };
}
