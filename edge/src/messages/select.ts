/**
 * Which in-app messages a visitor gets on this page, and why each other message was not chosen
 * (edge debugging). Pure: the caller passes the clock, the visitor's segments and a view of their
 * message history; nothing here reads storage or Worker globals.
 *
 * Per message, in this order (the first failing check is the skip reason): schedule, page URL,
 * segments, survey already answered, lifetime cap, daily cap, cooldown, site fatigue. Then the
 * survivors compete, highest priority first (ties: config order):
 * - banner, modal, toast and survey share one overlay place: at most one wins;
 * - inline messages compete only with inline messages for the same target;
 * - the site's daily fatigue limit bounds how many messages one page may add;
 * - a visitor in a message's holdout is reported as a holdout exposure when the message would have
 *   been shown (its place free, the fatigue budget left), and then the place stays open for the
 *   next message, which is what this visitor would see in a world without that message.
 */
import type { MessageDecision } from '../../../protocol/wire';
import { assignVariant, type Assignment } from './bucket';
import { banditVariants, type BanditTable } from '../analytics/bandit';
import type { Day, Message, MessageFatigue, Schedule, UrlMatch } from '../../../protocol/config/messages';

/** The visitor's message history; the Durable Object answers from its exposures table. */
export interface MessageHistory {
  /** Times `messageId` was shown at or after `sinceTs` (holdout exposures do not count). */
  shown(messageId: string, sinceTs: number): number;
  /** Messages of any kind shown at or after `sinceTs`. */
  shownAny(sinceTs: number): number;
  /** When `messageId` (or, without it, any message) was last shown; null if never. */
  lastShownAt(messageId?: string): number | null;
}

export type SelectInput = {
  /** The site's messages in config order (the tie-break for equal priorities). */
  messages: readonly Message[];
  /** Segment ids the visitor is in now. */
  inSegments: ReadonlySet<string>;
  /** Segment id → marketer's name, for the explanations. */
  segmentNames?: ReadonlyMap<string, string>;
  visitorId: string;
  /** Epoch milliseconds. */
  now: number;
  /** The page being decided for; messages with a urlMatch are skipped without it. */
  pageUrl?: string;
  history: MessageHistory;
  fatigue: MessageFatigue;
  /** The visitor's zero-party prefs: a survey whose pref is already answered is not asked again. */
  prefs?: Readonly<Record<string, unknown>>;
  /** Messages a journey step granted this visitor (id → journey name): targeted like a segment match; schedule, page and caps still apply. */
  granted?: ReadonlyMap<string, string>;
  /** Thompson-sampling weights for messages with `bandit: true` (KV `bandit:<site>`), if published. */
  bandit?: BanditTable | null;
};

export type Skipped = { id: string; reason: string };
/** One per message that was (or, for the holdout, would have been) shown: for lift reports. */
export type Exposure = { id: string; variant: string };

export type SelectResult = {
  /** Highest priority first. */
  decisions: MessageDecision[];
  /** Every message without a decision, with the reason, in config order. */
  skipped: Skipped[];
  /** Decisions' variants, plus `variant: 'holdout'` for the control group. */
  exposures: Exposure[];
};

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/* ------------------------------------------------------------------ schedule */

// Intl.DateTimeFormat is costly to build; one per zone, kept for the isolate's life.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // hourCycle h23: midnight is 0 (hour12: false gives "24" in some engines).
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock at `now` in `timeZone`: local day of week, hour and minute. */
export function wallClock(now: number, timeZone: string): { day: Day; hour: number; minute: number } {
  const parts = formatter(timeZone).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: part('weekday').slice(0, 3).toLowerCase() as Day,
    hour: Number(part('hour')) % 24,
    minute: Number(part('minute')),
  };
}

const iso = (ts: number) => new Date(ts).toISOString().replace('.000Z', 'Z');
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Null when the schedule allows `now`, else why not. */
export function scheduleBlocks(schedule: Schedule | undefined, now: number): string | null {
  if (!schedule) return null;
  if (schedule.start && now < Date.parse(schedule.start)) return `not started yet (starts ${iso(Date.parse(schedule.start))})`;
  if (schedule.end && now >= Date.parse(schedule.end)) return `ended (at ${iso(Date.parse(schedule.end))})`;
  if (!schedule.days && !schedule.hours) return null;
  const zone = schedule.timeZone ?? 'UTC';
  const clock = wallClock(now, zone);
  const local = `${clock.day} ${String(clock.hour).padStart(2, '0')}:${String(clock.minute).padStart(2, '0')} in ${zone}`;
  if (schedule.days && !schedule.days.includes(clock.day)) return `outside its days (${schedule.days.join(', ')}; it is ${local})`;
  if (schedule.hours) {
    const { from, to } = schedule.hours;
    // from > to is an overnight window (22 to 6).
    const inside = from < to ? clock.hour >= from && clock.hour < to : clock.hour >= from || clock.hour < to;
    if (!inside) return `outside its hours (${hh(from)}-${hh(to)}; it is ${local})`;
  }
  return null;
}

/* ------------------------------------------------------------------ page URL */

/** Null when the page matches, else why not. Case-insensitive; path_eq ignores a trailing slash. */
export function urlBlocks(match: UrlMatch | undefined, pageUrl: string | undefined): string | null {
  if (!match) return null;
  const want = match.value.toLowerCase();
  let url: URL | null = null;
  try {
    url = pageUrl ? new URL(pageUrl) : null;
  } catch {
    url = null;
  }
  if (!url) return `no page URL to test (${match.op.replace('_', ' ')} "${match.value}")`;
  const path = url.pathname.toLowerCase();
  const trim = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
  switch (match.op) {
    case 'path_eq':
      return trim(path) === trim(want) ? null : `page path ${url.pathname} is not ${match.value}`;
    case 'path_prefix':
      return path.startsWith(want) ? null : `page path ${url.pathname} does not start with ${match.value}`;
    case 'url_contains':
      return url.href.toLowerCase().includes(want) ? null : `page URL does not contain "${match.value}"`;
  }
}

/* ------------------------------------------------------------------ selection */

type Candidate = { message: Message; assignment: Assignment; segmentWhy: string };

const minutes = (ms: number) => `${Math.floor(ms / MINUTE)} min`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The place a message competes for: one overlay per page, one inline message per target. */
function place(m: Message): string {
  return m.type === 'inline' ? `target ${m.target ?? ''}` : 'the overlay';
}

function answered(m: Message, prefs: SelectInput['prefs']): string | null {
  if (m.type !== 'survey' || !m.survey || !prefs) return null;
  const v = prefs[m.survey.pref];
  return v === undefined || v === null || v === '' ? null : `already answered (pref ${m.survey.pref} is ${JSON.stringify(v)})`;
}

function capBlocks(m: Message, input: SelectInput): string | null {
  const { caps } = m;
  const { history, now } = input;
  if (caps.lifetime !== undefined) {
    // Epoch 0 as "since": every show the history holds.
    const n = history.shown(m.id, 0);
    if (n >= caps.lifetime) return `lifetime cap reached (shown ${plural(n, 'time')}; cap ${caps.lifetime})`;
  }
  if (caps.perDay !== undefined) {
    const n = history.shown(m.id, now - DAY);
    if (n >= caps.perDay) return `daily cap reached (shown ${plural(n, 'time')} in the last 24 h; cap ${caps.perDay})`;
  }
  if (caps.cooldownMinutes !== undefined) {
    const last = history.lastShownAt(m.id);
    if (last !== null && now - last < caps.cooldownMinutes * MINUTE) {
      return `cooling down (shown ${minutes(now - last)} ago; cooldown ${caps.cooldownMinutes} min)`;
    }
  }
  return null;
}

/** Null when the site's fatigue limits allow another message now, else why not. */
function fatigueBlocks(input: SelectInput): { reason: string | null; budget: number } {
  const { history, now, fatigue } = input;
  const shown = history.shownAny(now - DAY);
  const budget = Math.max(0, fatigue.perDay - shown);
  if (budget === 0) return { reason: `site fatigue limit: ${plural(shown, 'message')} shown in the last 24 h (limit ${fatigue.perDay})`, budget };
  if (fatigue.minMinutesBetween > 0) {
    const last = history.lastShownAt();
    if (last !== null && now - last < fatigue.minMinutesBetween * MINUTE) {
      return {
        reason: `site fatigue limit: a message was shown ${minutes(now - last)} ago (at least ${fatigue.minMinutesBetween} min between messages)`,
        budget,
      };
    }
  }
  return { reason: null, budget };
}

function segmentMatch(m: Message, input: SelectInput): { why: string } | { reason: string } {
  if (m.segments.length === 0) return { why: 'everyone' };
  const name = (id: string) => `"${input.segmentNames?.get(id) ?? id}"`;
  const hit = m.segments.find((s) => input.inSegments.has(s));
  if (hit !== undefined) return { why: `segment ${name(hit)}` };
  const journey = input.granted?.get(m.id);
  return journey !== undefined ? { why: `journey "${journey}"` } : { reason: `not in its segments (${m.segments.map(name).join(', ')})` };
}

function decision(c: Candidate): MessageDecision {
  const { message: m, assignment } = c;
  if (assignment.holdout) throw new Error('a holdout visitor gets no decision');
  const v = assignment.variant;
  // A variant overrides the base content field by field.
  const title = v.title ?? m.title;
  const cta = v.cta ?? m.cta;
  return {
    kind: 'message',
    id: m.id,
    variant: v.id,
    type: m.type,
    trigger: m.trigger,
    ...(m.target !== undefined ? { target: m.target } : {}),
    ...(title !== undefined ? { title } : {}),
    body: v.body ?? m.body,
    ...(cta !== undefined ? { cta: { ...cta } } : {}),
    ...(m.survey ? { survey: { pref: m.survey.pref, options: m.survey.options.map((o) => ({ ...o })) } } : {}),
    priority: m.priority,
    why: `${c.segmentWhy}; priority ${m.priority}; variant ${v.id} (bucket ${assignment.bucket.toFixed(2)})`,
  };
}

export function selectMessages(input: SelectInput): SelectResult {
  const reasons = new Map<string, string>();
  const candidates: Candidate[] = [];
  const fatigue = fatigueBlocks(input);

  input.messages.forEach((message) => {
    const segment = segmentMatch(message, input);
    const reason =
      scheduleBlocks(message.schedule, input.now) ??
      urlBlocks(message.urlMatch, input.pageUrl) ??
      ('reason' in segment ? segment.reason : null) ??
      answered(message, input.prefs) ??
      capBlocks(message, input) ??
      fatigue.reason;
    if (reason !== null || 'reason' in segment) {
      reasons.set(message.id, reason ?? 'not targeted');
      return;
    }
    // A bandit message splits by the published posterior weights (analytics/bandit.ts); the holdout stays.
    const variants = banditVariants(message, input.bandit, input.inSegments);
    candidates.push({ message, assignment: assignVariant(variants ? { ...message, variants } : message, input.visitorId), segmentWhy: segment.why });
  });

  // Highest priority first; sort is stable, so equal priorities keep config order.
  candidates.sort((a, b) => b.message.priority - a.message.priority);

  const decisions: MessageDecision[] = [];
  const exposures: Exposure[] = [];
  const taken = new Map<string, Message>();
  let budget = fatigue.budget;
  for (const c of candidates) {
    const m = c.message;
    const winner = taken.get(place(m));
    const wouldBeHoldout = c.assignment.holdout ? ' (in holdout anyway)' : '';
    if (winner) {
      reasons.set(m.id, `lost to "${winner.id}" (priority ${winner.priority}) for ${place(m)}${wouldBeHoldout}`);
    } else if (budget === 0) {
      reasons.set(m.id, `site fatigue limit: higher-priority messages use the rest of the ${input.fatigue.perDay} per 24 h${wouldBeHoldout}`);
    } else if (c.assignment.holdout) {
      // Would have been shown: that is the control group's exposure. The place stays open.
      reasons.set(m.id, `in holdout (A/B control): bucket ${c.assignment.bucket.toFixed(2)} is in the first ${m.holdout}%`);
      exposures.push({ id: m.id, variant: 'holdout' });
    } else {
      taken.set(place(m), m);
      budget -= 1;
      decisions.push(decision(c));
      exposures.push({ id: m.id, variant: c.assignment.variant.id });
    }
  }

  const skipped = input.messages.filter((m) => reasons.has(m.id)).map((m) => ({ id: m.id, reason: reasons.get(m.id) ?? '' }));
  return { decisions, skipped, exposures };
}
