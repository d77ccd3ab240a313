/**
 * In-app messages as marketers configure them (banner, modal, toast, inline, survey): targeting,
 * schedule, frequency caps, A/B variants with a holdout, and a conversion goal. Part of the site's
 * versioned config JSON (site.ts), validated on every write and read. Pure: no Worker globals.
 *
 * Content is plain text (the browser renders it with textContent) plus one safe link, so nothing a
 * marketer types here can run script in a visitor's page.
 */
import { z } from 'zod';
import type { MessageTrigger } from '../wire';
import { localesSchema, safeUrlSchema, selectorSchema, slugSchema } from './personalization';
import { eventNameSchema, goalSchema } from './goal';

export const MESSAGE_TYPES = ['banner', 'modal', 'toast', 'inline', 'survey'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

/** Event names as the wire protocol allows them (wm('track', name)). */
const eventName = eventNameSchema;

/** When the browser shows a message the edge chose: the wire's MessageTrigger, as a schema. */
export const triggerSchema = z.discriminatedUnion('on', [
  z.strictObject({ on: z.literal('load') }),
  z.strictObject({ on: z.literal('time'), seconds: z.number().int().min(1).max(3_600) }),
  z.strictObject({ on: z.literal('scroll'), percent: z.number().int().min(1).max(100) }),
  z.strictObject({ on: z.literal('exit') }),
  z.strictObject({ on: z.literal('event'), name: eventName }),
]);
// Compile-time guard: the schema and the wire type must not drift apart (both directions).
type TriggerOut = z.output<typeof triggerSchema>;
const triggerMatchesWire: [TriggerOut] extends [MessageTrigger] ? ([MessageTrigger] extends [TriggerOut] ? true : false) : false = true;
void triggerMatchesWire;

/**
 * Which page the message may show on, tested at the edge against the current page URL. Case-
 * insensitive like the rules engine; path_eq ignores a trailing slash.
 */
export const urlMatchSchema = z
  .strictObject({
    op: z.enum(['path_eq', 'path_prefix', 'url_contains']),
    value: z.string().min(1).max(500),
  })
  .superRefine((m, ctx) => {
    if (m.op !== 'url_contains' && !m.value.startsWith('/')) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a path must start with / (for ${m.op})` });
    }
  });
export type UrlMatch = z.output<typeof urlMatchSchema>;

/**
 * Answers already given: building an Intl.DateTimeFormat costs about 0.17 ms (Node, this machine;
 * 4-9 % of the worker's CPU in the collect and proxy profiles), and the edge asks for the visitor's
 * zone on every collect and decide request. Bounded (there are about 600 IANA names).
 */
const knownZones = new Map<string, boolean>();
const KNOWN_ZONES_MAX = 1_000;

/** True when `timeZone` is an IANA name this runtime knows (Intl throws RangeError otherwise). */
export function isTimeZone(timeZone: string): boolean {
  const known = knownZones.get(timeZone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    valid = true;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    valid = false;
  }
  if (knownZones.size >= KNOWN_ZONES_MAX) knownZones.clear();
  knownZones.set(timeZone, valid);
  return valid;
}

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO date-time with a time zone, like 2026-03-01T09:00:00Z' });

/**
 * When a message may show. `start`/`end` are instants (end exclusive); `days` and `hours` are
 * read on the wall clock of `timeZone` (default UTC), so "9 to 17 in New York" follows DST.
 * `hours.from > hours.to` is an overnight window (22 to 6). `days` is the local day of now.
 */
export const scheduleSchema = z
  .strictObject({
    start: instant.optional(),
    end: instant.optional(),
    timeZone: z.string().min(1).max(100).refine(isTimeZone, 'unknown time zone (use an IANA name like Europe/Paris)').optional(),
    days: z
      .array(z.enum(DAYS))
      .min(1, 'pick at least one day, or leave days out for every day')
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'a day is listed twice')
      .optional(),
    hours: z
      .strictObject({ from: z.number().int().min(0).max(23), to: z.number().int().min(1).max(24) })
      .refine((h) => h.from !== h.to, { message: 'from and to are the same hour (an empty window)', path: ['to'] })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.start && s.end && Date.parse(s.end) <= Date.parse(s.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'ends before it starts' });
    }
  });
export type Schedule = z.output<typeof scheduleSchema>;

const title = z.string().min(1).max(120);
const body = z.string().min(1).max(1_000);
/** A survey's thank-you, shown in place of the body once answered (protocol/locale.ts DEFAULT_THANKS when left out). */
const thanks = z.string().min(1).max(1_000);
const ctaSchema = z.strictObject({ text: z.string().min(1).max(60), href: safeUrlSchema });
export type MessageCta = z.output<typeof ctaSchema>;

/**
 * A message's text in one locale (docs/localized-content.md): any field left out falls back to the
 * default text. A CTA may keep the default's link (href left out) or point to a localized page.
 */
const localizedCta = z.strictObject({ text: z.string().min(1).max(60), href: safeUrlSchema.optional() });
const variantLocaleSchema = z.strictObject({ title: title.optional(), body: body.optional(), cta: localizedCta.optional() });
const messageLocaleSchema = variantLocaleSchema.extend({
  /** Survey option labels by option value. */
  options: z.record(z.string().max(100), z.string().min(1).max(100)).optional(),
  /** The survey's thank-you in this locale. */
  thanks: thanks.optional(),
});
export type MessageLocale = z.output<typeof messageLocaleSchema>;

const surveySchema = z
  .strictObject({
    /** The zero-party pref the answer is stored in (wm('prefs', {[pref]: value})). */
    pref: slugSchema,
    options: z
      .array(
        z.strictObject({
          value: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/, 'must be 1-100 characters of letters, digits, space _ . - (starting with a letter or digit)'),
          label: z.string().min(1).max(100),
        }),
      )
      .min(2, 'a survey needs 2 to 8 options')
      .max(8, 'a survey needs 2 to 8 options'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.options.forEach((o, i) => {
      if (seen.has(o.value)) ctx.addIssue({ code: 'custom', path: ['options', i, 'value'], message: `duplicate option value "${o.value}"` });
      seen.add(o.value);
    });
  });

/** Exposure reports use "holdout" for the control group, so no variant may take that name. */
const HOLDOUT = 'holdout';

export const variantSchema = z.strictObject({
  id: slugSchema.refine((id) => id !== HOLDOUT, '"holdout" is reserved for the control group'),
  /** Percent of the visitors outside the holdout; a message's weights add up to 100. */
  weight: z.number().int().min(1).max(100),
  /** Overrides of the message's base content; left out = the base. */
  title: title.optional(),
  body: body.optional(),
  cta: ctaSchema.optional(),
  /** This variant's overrides per locale; a field left out falls back to the message's text in that locale. */
  locales: localesSchema(variantLocaleSchema),
});
export type Variant = z.output<typeof variantSchema>;

export const capsSchema = z.strictObject({
  /** Shows per rolling 24 hours (not per calendar day: no time-zone ambiguity, no midnight burst). */
  perDay: z.number().int().min(1).max(1_000).optional(),
  /** Shows ever. */
  lifetime: z.number().int().min(1).max(100_000).optional(),
  /** Minutes after a show before it may show again. */
  cooldownMinutes: z.number().int().min(1).max(525_600).optional(),
});

export const messageSchema = z
  .strictObject({
    id: slugSchema,
    name: z.string().min(1).max(200),
    type: z.enum(MESSAGE_TYPES),
    /** Segment ids; the visitor must be in at least one. Empty = everyone. */
    segments: z.array(slugSchema).max(50).default([]),
    trigger: triggerSchema.default({ on: 'load' }),
    urlMatch: urlMatchSchema.optional(),
    /** Inline messages only: the element they are placed in. */
    target: selectorSchema.optional(),
    title: title.optional(),
    body,
    cta: ctaSchema.optional(),
    /** Survey messages only (and required for them). */
    survey: surveySchema.optional(),
    /** Survey messages only: the text that replaces the body once answered; left out = DEFAULT_THANKS (protocol/locale.ts). */
    thanks: thanks.optional(),
    /** The message's text per locale ("fr": { title, body, cta, options }); the fields above are the fallback. */
    locales: localesSchema(messageLocaleSchema),
    schedule: scheduleSchema.optional(),
    /** Higher wins when messages compete for the same place. */
    priority: z.number().int().min(0).max(1_000).default(0),
    caps: capsSchema.default({}),
    variants: z
      .array(variantSchema)
      .min(1, 'needs at least one variant')
      .max(5, 'at most 5 variants')
      .default([{ id: 'default', weight: 100 }]),
    /** Percent of targeted visitors kept as a control group (shown nothing), for lift. */
    holdout: z.number().int().min(0).max(50).default(0),
    /**
     * Next-best-offer: let Thompson sampling shift traffic among the variants, per segment, from
     * their conversions on `goal` (analytics/bandit.ts); the holdout is kept.
     */
    bandit: z.boolean().optional(),
    /** The conversion this message is for: `event` within `withinHours` of an exposure. */
    goal: goalSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.type === 'inline' && !m.target) ctx.addIssue({ code: 'custom', path: ['target'], message: 'an inline message needs a target (a CSS selector)' });
    if (m.type !== 'inline' && m.target)
      ctx.addIssue({ code: 'custom', path: ['target'], message: `only inline messages take a target (this is a ${m.type})` });
    if (m.type === 'survey' && !m.survey) ctx.addIssue({ code: 'custom', path: ['survey'], message: 'a survey message needs survey options' });
    if (m.type !== 'survey' && m.survey)
      ctx.addIssue({ code: 'custom', path: ['survey'], message: `only survey messages take survey options (this is a ${m.type})` });
    if (m.type !== 'survey' && m.thanks !== undefined)
      ctx.addIssue({ code: 'custom', path: ['thanks'], message: `only survey messages take a thank-you (this is a ${m.type})` });
    if (m.bandit && !m.goal) ctx.addIssue({ code: 'custom', path: ['bandit'], message: 'a bandit message needs a goal: its conversions decide the traffic' });
    const ids = new Set<string>();
    m.variants.forEach((v, i) => {
      if (ids.has(v.id)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'id'], message: `duplicate variant id "${v.id}"` });
      ids.add(v.id);
    });
    const values = new Set(m.survey?.options.map((o) => o.value) ?? []);
    for (const [tag, text] of Object.entries(m.locales ?? {})) {
      for (const value of Object.keys(text.options ?? {}))
        if (!values.has(value))
          ctx.addIssue({ code: 'custom', path: ['locales', tag, 'options', value], message: `no survey option has the value "${value}"` });
      if (text.thanks !== undefined && m.type !== 'survey')
        ctx.addIssue({ code: 'custom', path: ['locales', tag, 'thanks'], message: `only survey messages take a thank-you (this is a ${m.type})` });
      if (text.cta && !text.cta.href && !m.cta)
        ctx.addIssue({ code: 'custom', path: ['locales', tag, 'cta', 'href'], message: 'a localized call to action needs a link when the message has none' });
    }
    m.variants.forEach((v, i) => {
      for (const [tag, text] of Object.entries(v.locales ?? {}))
        if (text.cta && !text.cta.href && !v.cta && !m.cta && !m.locales?.[tag]?.cta?.href)
          ctx.addIssue({
            code: 'custom',
            path: ['variants', i, 'locales', tag, 'cta', 'href'],
            message: 'a localized call to action needs a link when the message has none',
          });
    });
    const total = m.variants.reduce((sum, v) => sum + v.weight, 0);
    if (total !== 100) ctx.addIssue({ code: 'custom', path: ['variants'], message: `variant weights must add up to 100 (they add up to ${total})` });
  });
export type Message = z.output<typeof messageSchema>;
export type MessageInput = z.input<typeof messageSchema>;

export const DEFAULT_FATIGUE = { perDay: 3, minMinutesBetween: 0 } as const;

/** Site-wide limits across all messages, so visitors are not flooded. */
export const fatigueSchema = z.strictObject({
  /** Messages of any kind a visitor is shown per rolling 24 hours. */
  perDay: z.number().int().min(1).max(1_000).default(DEFAULT_FATIGUE.perDay),
  /** Minutes between any two messages. */
  minMinutesBetween: z.number().int().min(0).max(10_080).default(DEFAULT_FATIGUE.minMinutesBetween),
});
export type MessageFatigue = z.output<typeof fatigueSchema>;
