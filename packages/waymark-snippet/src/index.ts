/**
 * @waymark/snippet: the Waymark snippet API, typed, for sites that bundle their JavaScript.
 *
 *   import { load, wm } from '@waymark/snippet';
 *   await load({ site: 'shop', cmp: 'tcf' });   // the stub, then the tag from your origin's /_wm/wm.js
 *   wm('track', 'add_to_cart', { sku: 'x' });    // queued until wm.js runs, then sent
 *
 * No runtime dependency: the snippet itself stays served by your Waymark edge (/_wm/wm.js), so it
 * always matches the edge. The types come from Waymark's wire protocol (protocol/wire.ts), copied
 * into this package's index.d.ts at build time.
 */
import type { Decision, Props } from '../../../protocol/wire';
import { insertTag, installStub, type TagOptions } from './insert';

export type { Decision, MessageDecision, MessageTrigger, PropValue, Props, SlotDecision } from '../../../protocol/wire';
export type { TagOptions as LoadOptions } from './insert';

/** A zero-party preference value (protocol/wire.ts prefValueSchema; test/types.ts checks they agree). */
export type PrefValue = string | number | boolean | string[];
/** The visitor's choice (protocol/wire.ts consentSchema; test/types.ts checks they agree). */
export type ConsentChoice = { analytics: boolean; personalization: boolean };
export type DecisionHandler = (decisions: Decision[]) => void;

/** `wm(…)`, one signature per command (README "Snippet API"). */
export interface Wm {
  /** A page view (automatic on load and on real SPA path changes). */
  (command: 'page', props?: Props): void;
  (command: 'track', event: string, props?: Props): void;
  (command: 'identify', userId: string, traits?: Props): void;
  /** The account or company the user belongs to (Segment's group). */
  (command: 'group', groupId: string, traits?: Props): void;
  /** Links a previous id (an anonymous or old user id) to `userId` (Segment's alias). */
  (command: 'alias', userId: string, previousId?: string): void;
  /** Zero-party preferences: what the visitor told you. */
  (command: 'prefs', prefs: Record<string, PrefValue>): void;
  /** The visitor's own choice, never a default. */
  (command: 'consent', choice: ConsentChoice): void;
  /** Sign-out on a shared device. */
  (command: 'reset'): void;
  (command: 'on', event: 'decision', handler: DecisionHandler): void;
  /** 1 once wm.js replaced the stub. */
  readonly v?: number;
}

declare global {
  interface Window {
    wm?: Wm;
  }
}

type AnyCall = (...args: unknown[]) => void;

/**
 * Calls the page's wm: the stub (installed if needed: calls are queued until wm.js runs, also
 * before `load()`), the snippet after. Outside a browser (server-side rendering) it does nothing.
 */
export const wm: Wm = ((...args: unknown[]) => {
  if (typeof window === 'undefined') return;
  installStub(window);
  (window.wm as unknown as AnyCall)(...args);
}) as Wm;

/**
 * Installs the stub and inserts the Waymark tag (once; an existing tag is reused), then resolves
 * with `wm` when wm.js has run. Rejects if wm.js cannot be loaded. Calls made before it resolves
 * are queued, so awaiting is optional.
 */
export function load(options: TagOptions): Promise<Wm> {
  if (typeof window === 'undefined') return Promise.reject(new Error('@waymark/snippet: load() runs in a browser'));
  const script = insertTag(options, window);
  return new Promise((resolve, reject) => {
    const ready = () => window.wm?.v === 1;
    if (ready()) return resolve(wm);
    script.addEventListener('load', () =>
      ready() ? resolve(wm) : reject(new Error('@waymark/snippet: wm.js loaded but did not start (is data-site right?)')),
    );
    script.addEventListener('error', () => reject(new Error(`@waymark/snippet: could not load ${script.src}`)));
  });
}
