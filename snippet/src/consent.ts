/**
 * Consent state. GRANT: capture, store, send. WAIT (opt-in policy, no choice yet): queue in memory
 * only. DENY (explicit no, or Global Privacy Control without an explicit yes): nothing at all.
 */
import type { ConsentState } from '../../protocol/wire';
import { json, ls } from './storage';

export const GRANT = 1;
export const WAIT = 0;
export const DENY = -1;
export type State = typeof GRANT | typeof WAIT | typeof DENY;

const KEY = 'wm_consent';

/** The visitor's explicit choice, if they ever made one. */
export let choice = json<ConsentState>(ls(KEY));

/** Where a page starts: an explicit choice wins, then the opt-in policy, then Global Privacy Control. */
export const decide = (optIn: boolean): State => (choice ? (choice.analytics ? GRANT : DENY) : optIn ? WAIT : navigator.globalPrivacyControl ? DENY : GRANT);

/** Remember an explicit choice (only ever called on the visitor's own decision); returns the new state. */
export function choose(c: unknown): State {
  const x = Object(c);
  ls(KEY, JSON.stringify((choice = { analytics: !!x.analytics, personalization: !!x.personalization })));
  return choice.analytics ? GRANT : DENY;
}

declare global {
  interface Navigator {
    globalPrivacyControl?: boolean;
  }
}
