/**
 * Types shared by the visitor object (visitor-profile.ts) and its modules, kept here so no module
 * imports the class file.
 */
import type { Decision } from '../../../protocol/wire';
import type { VisitorSnapshot } from '../analytics/feed';
import type { RequestFacts } from '../rules/evaluate';
import type { JourneyRuntime } from '../journeys/runtime';
import type { ProfileStore } from './store/profile-store';
import type { BanditCache } from './bandit-cache';
import type { ServerConsent } from '../segment/consent';

/** `analytics` is for the analytics queue only (analytics/feed.ts); routes/collect.ts strips it from the HTTP body. */
export type IngestResult = {
  accepted: string[];
  duplicates: string[];
  decisions: Decision[];
  analytics?: VisitorSnapshot;
  /** Server events only (segment/consent.ts): nothing was stored, the profile's consent forbids it. */
  notStored?: 'consent';
};
/** The visitor's batch bucket is empty (ratelimit/limits.ts): nothing of the batch was stored. */
export type RateLimited = { rateLimited: { retryAfterSeconds: number } };

/** Which site config a call is made under: the object loads and caches that version itself (site-config.ts). */
export type ConfigRef = { site: string; version: number };

/** What a decision needs besides the profile: the site's config version and the current request. */
export type DecisionContext = {
  config: ConfigRef;
  request: RequestFacts;
  /** Personalization allowed by site policy, GPC and the batch's explicit consent. */
  personalize: boolean;
  now: number;
  /** Set for server events (Segment HTTP API): the profile applies segment/consent.ts before storing. */
  server?: ServerConsent;
  /** The visitor's IANA time zone (`request.cf.timezone`), stored on the profile for Best time (journeys/best-time.ts). */
  timeZone?: string;
};

/** What the object's modules share: its environment, storage, tables and per-object caches. */
export type ProfileHost = {
  readonly env: Env;
  readonly ctx: DurableObjectState;
  readonly store: ProfileStore;
  readonly journeys: JourneyRuntime;
  readonly bandit: BanditCache;
};
