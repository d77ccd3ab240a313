/**
 * The wire protocol between the browser snippet and the edge, defined once.
 *
 * The edge validates with these schemas; the snippet and dashboard import only the inferred types
 * (`import type`), so zod never reaches a browser bundle.
 */
import { z } from 'zod';
import { MAX_BATCH_EVENTS, MAX_DEPTH, MAX_ID_LENGTH, MAX_KEYS, MAX_NAME_LENGTH, MAX_STRING_LENGTH, MAX_URL_LENGTH, MIN_ID_LENGTH } from './limits';

export const EVENT_TYPES = ['page', 'track', 'identify', 'prefs', 'consent', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const boundedString = (max: number) => z.string().max(max, `longer than ${max} characters`);
/**
 * Free-text values (prop and pref values, titles, UTM) are cut to `max` rather than refused: a
 * long product description must not cost the whole event. The snippet therefore sends them as
 * they are and stays small; names, ids and shapes are still strict.
 */
const clippedString = (max: number) => z.string().transform((s) => s.slice(0, max));
const name = z.string().min(1, 'empty').max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`);

export const eventIdSchema = z
  .string()
  .regex(new RegExp(`^[A-Za-z0-9_-]{${MIN_ID_LENGTH},${MAX_ID_LENGTH}}$`), `must be ${MIN_ID_LENGTH}-${MAX_ID_LENGTH} characters of A-Z a-z 0-9 _ -`);

export const siteIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 characters of a-z 0-9 -');

/** JSON values allowed in props and traits: bounded in length, keys and depth. */
export type PropValue = string | number | boolean | null | PropValue[] | { [key: string]: PropValue };

function propValue(depth: number): z.ZodType<PropValue> {
  const scalar = z.union([clippedString(MAX_STRING_LENGTH), z.number().refine(Number.isFinite, 'must be a finite number'), z.boolean(), z.null()]);
  if (depth >= MAX_DEPTH) return scalar;
  const inner = z.lazy(() => propValue(depth + 1));
  return z.union([scalar, z.array(inner).max(MAX_KEYS, `more than ${MAX_KEYS} items`), propsObject(inner)]);
}

function propsObject<T extends z.ZodType>(value: T) {
  return z.record(name, value).refine((o) => Object.keys(o).length <= MAX_KEYS, `more than ${MAX_KEYS} keys`);
}

export const propsSchema = propsObject(propValue(1));
export type Props = Record<string, PropValue>;

/** Zero-party preference values: what a visitor says they want. */
export const prefValueSchema = z.union([
  clippedString(MAX_STRING_LENGTH),
  z.number().refine(Number.isFinite, 'must be a finite number'),
  z.boolean(),
  z.array(clippedString(MAX_STRING_LENGTH)).max(MAX_KEYS, `more than ${MAX_KEYS} items`),
]);
export type PrefValue = z.infer<typeof prefValueSchema>;

export const consentSchema = z.strictObject({
  analytics: z.boolean(),
  personalization: z.boolean(),
});
export type ConsentState = z.infer<typeof consentSchema>;

const utmValue = clippedString(MAX_NAME_LENGTH * 2).optional();
export const utmSchema = z.strictObject({
  source: utmValue,
  medium: utmValue,
  campaign: utmValue,
  term: utmValue,
  content: utmValue,
});
export type Utm = z.infer<typeof utmSchema>;

const url = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(MAX_URL_LENGTH);
/** The page an event happened on: an over-long URL is cut to MAX_URL_LENGTH (still a URL), not refused. */
const pageUrl = z
  .string()
  .transform((s) => s.slice(0, MAX_URL_LENGTH))
  .pipe(url);

/**
 * document.referrer as the browser gives it: anything that is not an http(s) URL (empty,
 * android-app://…, about:blank) means "no referrer", and a long one is cut.
 */
const referrer = z.string().transform((s) => (/^https?:\/\/[^\s]+$/i.test(s) ? s.slice(0, MAX_URL_LENGTH) : ''));

/**
 * Segment's `context` object (segment.com/docs/connections/spec/common/#context), the parts the
 * edge reads: `campaign` becomes the event's UTM when it has none, `page` fills url/referrer/title,
 * `locale` and `library` are kept with the event. Other context keys (ip, device, os, traits...)
 * are dropped, not refused: a Segment library sends many. `userAgent` is accepted for
 * compatibility and dropped too: the edge reads the request's own User-Agent header.
 */
export const contextSchema = z.object({
  page: z
    .object({
      url: clippedString(MAX_URL_LENGTH).optional(),
      path: clippedString(MAX_URL_LENGTH).optional(),
      referrer: referrer.optional(),
      title: clippedString(MAX_STRING_LENGTH).optional(),
      search: clippedString(MAX_URL_LENGTH).optional(),
    })
    .optional(),
  campaign: z.object({ source: utmValue, medium: utmValue, name: utmValue, term: utmValue, content: utmValue }).optional(),
  userAgent: z
    .string()
    .optional()
    .transform(() => undefined),
  locale: clippedString(35).optional(),
  library: z.object({ name: clippedString(MAX_NAME_LENGTH), version: clippedString(MAX_NAME_LENGTH).optional() }).optional(),
});
export type EventContext = z.infer<typeof contextSchema>;

/** Fields every event carries. */
const base = {
  /** Client-made unique id; the edge counts each id once per visitor. */
  id: eventIdSchema,
  /** Client clock, epoch milliseconds. The edge also records its own receive time. */
  ts: z.number().int().positive(),
  /** Session id (client-made, rotates after 30 minutes idle). */
  sid: eventIdSchema,
  url: pageUrl,
  /** document.referrer at the time of the page view (only on page events). */
  ref: referrer.optional(),
  title: clippedString(MAX_STRING_LENGTH).optional(),
  utm: utmSchema.optional(),
  /** Segment's context object (above); optional, so batches made before it existed stay valid. */
  context: contextSchema.optional(),
};

/** A user id as identify and alias carry it: room for a signed id, "<userId>.<43-character signature>" (edge/src/identity/signed.ts). */
const claimedUserId = boundedString(MAX_NAME_LENGTH * 2 + 44).min(1, 'empty');

export const eventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('page'), props: propsSchema.optional() }),
  z.strictObject({ ...base, type: z.literal('track'), name, props: propsSchema.optional() }),
  z.strictObject({
    ...base,
    type: z.literal('identify'),
    // The edge stores at most MAX_NAME_LENGTH * 2 characters once a signature is stripped.
    userId: claimedUserId,
    traits: propsSchema.optional(),
  }),
  /** Segment's group call: the account or company the user belongs to, and its traits. */
  z.strictObject({ ...base, type: z.literal('group'), groupId: boundedString(MAX_NAME_LENGTH * 2).min(1, 'empty'), traits: propsSchema.optional() }),
  /**
   * Segment's alias call: `userId` is the new identity, `previousId` the old one. From a browser,
   * an alias is an identify of this browser as `userId` (signed-identify rules apply to it) and
   * `previousId` is only recorded: a browser cannot name someone else's profile to merge
   * (edge/src/identity/stitch.ts). The HTTP Tracking API (edge/src/segment/) uses previousId.
   */
  z.strictObject({ ...base, type: z.literal('alias'), userId: claimedUserId, previousId: boundedString(MAX_NAME_LENGTH * 2 + 44).optional() }),
  z.strictObject({
    ...base,
    type: z.literal('prefs'),
    prefs: z
      .record(name, prefValueSchema)
      .refine((o) => Object.keys(o).length >= 1, 'needs at least one preference')
      .refine((o) => Object.keys(o).length <= MAX_KEYS, `more than ${MAX_KEYS} keys`),
  }),
  z.strictObject({ ...base, type: z.literal('consent'), consent: consentSchema }),
]);
export type WireEvent = z.infer<typeof eventSchema>;

/**
 * Largest `dropped` count one batch may report: far above what one browser's outbox (10,000
 * events, snippet/src/outbox.ts) can drop between two flushes, small enough that one forged
 * batch cannot make the dashboard's figure meaningless.
 */
export const MAX_OUTBOX_DROPS_REPORT = 1_000_000;

/**
 * The envelope. `events` is validated one by one (a bad event is rejected with its reason, the
 * good ones in the same batch are kept), so the envelope schema only checks it is an array.
 */
export const batchSchema = z.strictObject({
  site: siteIdSchema,
  /** Signed visitor token from an earlier response, for pages where the cookie is not available. */
  vid: boundedString(200).optional(),
  /** Present only once the visitor made an explicit choice (wm('consent', …)). */
  consent: consentSchema.optional(),
  events: z.array(z.unknown()).min(1, 'no events').max(MAX_BATCH_EVENTS, `more than ${MAX_BATCH_EVENTS} events`),
  /**
   * Events the browser's outbox dropped (oldest first, when full) since its last report. The edge
   * records the count once per batch, with the batch's first stored event (a resent batch is all
   * duplicates, so it is never counted twice); the dashboard shows it.
   */
  dropped: z
    .number()
    .int('must be an integer')
    .nonnegative('must be 0 or more')
    .max(MAX_OUTBOX_DROPS_REPORT, `more than ${MAX_OUTBOX_DROPS_REPORT}`)
    .optional(),
  /**
   * `wm('reset')` (sign-out on a shared device): the id of the reset marker this batch starts
   * with. Its events go to a new anonymous visitor (derived from this id, so a resent batch finds
   * the same one), whatever token or cookie came with it; the response carries the new token.
   */
  reset: eventIdSchema.optional(),
});
export type Batch = Omit<z.infer<typeof batchSchema>, 'events'> & { events: WireEvent[] };

/**
 * What the edge decided to show this visitor. Slot decisions fill `[data-wm-slot="id"]` (and
 * `selector`, when the marketer chose one) with `html`, which the edge sanitized: it never
 * contains script, event handlers or javascript: URLs.
 */
export type SlotDecision = {
  kind: 'slot';
  /** The slot id (data-wm-slot). */
  id: string;
  selector?: string;
  html: string;
  /** The segment whose variant won. */
  segment: string;
  /** Why, in words (edge debugging): the segment and the tests that matched. */
  why: string;
  /** The locale of `html` (docs/localized-content.md); left out for the default text. */
  lang?: string;
  /** The direction of `lang`'s script, set with `lang`. */
  dir?: 'rtl' | 'ltr';
  /**
   * The variant's text per locale (rendered HTML), sent while the page's own lang is not known yet
   * (proxy mode, collect responses): a page lang among them wins over `html`.
   */
  locales?: Record<string, string>;
};
/** When a message shows, checked in the browser (the edge has already decided it may). */
export type MessageTrigger =
  | { on: 'load' }
  /** Seconds on the page. */
  | { on: 'time'; seconds: number }
  /** Percent of the page scrolled. */
  | { on: 'scroll'; percent: number }
  /** The pointer leaves the window towards the browser's chrome (desktop). */
  | { on: 'exit' }
  /** A tracked event on this page, e.g. add_to_cart. */
  | { on: 'event'; name: string };

/**
 * An in-app message the edge chose for this visitor. Content is plain text (rendered with
 * textContent, never as HTML) plus a safe link; a survey's answer becomes the zero-party pref
 * `survey.pref`.
 */
export type MessageDecision = {
  kind: 'message';
  /** Message id. */
  id: string;
  /** The A/B variant shown (visitors in the holdout get no decision at all). */
  variant: string;
  type: 'banner' | 'modal' | 'toast' | 'inline' | 'survey';
  trigger: MessageTrigger;
  /** Inline messages: where they go (a simple CSS selector). */
  target?: string;
  title?: string;
  body: string;
  cta?: { text: string; href: string };
  /** `thanks`: shown once answered; left out = DEFAULT_THANKS (protocol/locale.ts). */
  survey?: { pref: string; options: { value: string; label: string }[]; thanks?: string };
  /** Higher first; only one message is on screen at a time. */
  priority: number;
  why: string;
  /** The locale of the text (docs/localized-content.md); left out for the default text. */
  lang?: string;
  dir?: 'rtl' | 'ltr';
  /** The message's text per locale, while the page's lang is not known yet (as SlotDecision.locales). */
  /** `options`: the survey's labels, in the survey's order; `thanks`: its thank-you. */
  locales?: Record<string, { title?: string; body: string; cta?: { text: string; href: string }; options?: string[]; thanks?: string }>;
};

/** A message's text in one locale. */
export type MessageText = NonNullable<MessageDecision['locales']>[string];

export type Decision = SlotDecision | MessageDecision;

/**
 * In a QA session's collect responses, always (docs/preview-and-qa.md): a page with nothing forced
 * on it still loads wm-ui.js, which shows the preview badge and its exit. Renderers skip it by kind.
 */
export type QaDecision = { kind: 'qa'; describe: string };

export type RejectedEvent = { index: number; id?: string; reason: string };

/** Body of a 200 from POST /_wm/e. */
export type CollectResponse = {
  /** Signed visitor token; the snippet keeps it for pages where the cookie cannot be sent. */
  vid?: string;
  /** Ids stored now. */
  accepted: string[];
  /** Ids already stored by an earlier delivery (a retry): acknowledged, not counted again. */
  duplicates: string[];
  /** Events refused for good, with the reason; resending them will not help. */
  rejected: RejectedEvent[];
  /** Set when nothing was stored: consent is missing (GPC, opt-in policy, or denied), the sender is a bot (docs/bots.md), or a QA session (docs/preview-and-qa.md). */
  notStored?: 'consent' | 'bot' | 'preview';
  decisions: Decision[];
};

/** Body of a 200 from POST /_wm/e in a QA session: its decisions end with the session's QaDecision. */
export type QaCollectResponse = Omit<CollectResponse, 'decisions'> & { decisions: (Decision | QaDecision)[] };

/** Body of every 4xx/5xx from the edge. */
export type ErrorResponse = {
  error: string;
  /** Per-field or per-event details. */
  issues?: { path: string; message: string }[];
  rejected?: RejectedEvent[];
};

/** One journey in a visitor's profile (edge/src/journeys/). */
export type ProfileJourney = {
  id: string;
  name: string;
  /** active: waiting in `step`; completed: ran to the end; exited: an exit step (or left); converted: reached the goal. */
  status: 'active' | 'completed' | 'exited' | 'converted';
  step: string | null;
  /** Since when at `step`. */
  since: number;
  enteredAt: number;
  /** When the current wait ends, while active. */
  wakeAt: number | null;
  endedAt: number | null;
  /** How many times the visitor entered it. */
  runs: number;
  history: { at: number; step: string | null; what: string }[];
};

/** GET /_wm/me: everything stored about the caller. */
export type ProfileExport = {
  site: string;
  visitorId: string;
  firstSeen: number | null;
  lastSeen: number | null;
  userId: string | null;
  traits: Record<string, PropValue>;
  prefs: Record<string, PrefValue>;
  consent: (ConsentState & { updatedAt: number }) | null;
  /** Segments the visitor is in now, and since when. */
  segments: { id: string; enteredAt: number }[];
  /** In-app messages this visitor was assigned (variant, or "holdout"), and goal conversions. */
  messages: { id: string; variant: string; exposedAt: number; convertedAt: number | null }[];
  /** Journeys the visitor is in or went through: where they are, since when, and the recent history. */
  journeys?: ProfileJourney[];
  eventCount: number;
  events: StoredEvent[];
  /**
   * Set when the profile is a user's golden record (the browser called `identify`): every browser
   * linked to it, by the first 8 characters of its visitor id; `current` marks the caller's.
   */
  linkedVisitors?: { id: string; linkedAt: number; current: boolean }[];
  /** The visitor's time zone as Cloudflare saw it, kept for journey waits' Best time (docs/journeys-and-webhooks.md). */
  timeZone?: string;
};

export type StoredEvent = WireEvent & { receivedAt: number };
