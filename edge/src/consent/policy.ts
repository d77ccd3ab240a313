/**
 * Whether the edge may store anything for a batch, decided before any storage is touched.
 *
 * An explicit choice by the visitor wins (a consent event in the batch, else the consent the
 * snippet carries once the visitor chose). Without one, an opt-in site stores nothing, and an
 * opt-out site stores unless the browser sends Global Privacy Control.
 */
import type { ConsentState, WireEvent } from '../../../protocol/wire';

export type ConsentPolicy = 'opt-in' | 'opt-out';

export type StorageVerdict = { store: true; basis: 'explicit' | 'default' } | { store: false; basis: 'explicit-denial' | 'opt-in-pending' | 'gpc' };

/**
 * Everything a request may do, decided once (http/middleware/consent.ts) and read by the routes
 * and the visitor's Durable Object: store (with its basis) and personalize.
 */
export type RequestConsent = StorageVerdict & { personalize: boolean };

export function requestConsent(policy: ConsentPolicy, gpc: boolean, explicit: ConsentState | undefined): RequestConsent {
  return { ...storageVerdict(policy, gpc, explicit), personalize: personalizationAllowed(policy, gpc, explicit) };
}

export function explicitConsent(events: readonly WireEvent[], carried: ConsentState | undefined): ConsentState | undefined {
  let latest: { ts: number; consent: ConsentState } | undefined;
  for (const e of events) {
    if (e.type === 'consent' && (!latest || e.ts >= latest.ts)) latest = { ts: e.ts, consent: e.consent };
  }
  return latest?.consent ?? carried;
}

export function storageVerdict(policy: ConsentPolicy, gpc: boolean, explicit: ConsentState | undefined): StorageVerdict {
  if (explicit) return explicit.analytics ? { store: true, basis: 'explicit' } : { store: false, basis: 'explicit-denial' };
  if (policy === 'opt-in') return { store: false, basis: 'opt-in-pending' };
  if (gpc) return { store: false, basis: 'gpc' };
  return { store: true, basis: 'default' };
}

/** `Sec-GPC: 1` is the only value the GPC spec defines; anything else means no signal. */
export function gpcFromHeader(value: string | null | undefined): boolean {
  return value?.trim() === '1';
}

/**
 * Whether the visitor may see personalized content: their explicit choice, else the site policy
 * (opt-out sites personalize unless GPC is on; opt-in sites only after consent). The visitor's
 * stored choice, when the profile has one, is applied again inside the profile.
 */
export function personalizationAllowed(policy: ConsentPolicy, gpc: boolean, explicit: ConsentState | undefined): boolean {
  if (explicit) return explicit.personalization;
  return policy === 'opt-out' && !gpc;
}
