/**
 * What marketers configure per site: segments (named condition trees), content slots filled per
 * segment, and proxy mode. Part of the site's versioned config JSON; validated on every write and
 * read. Pure: no Worker globals.
 */
import { z } from 'zod';
import { conditionSchema } from './conditions';
import { hostnamesSchema } from './hostnames';
import { sanitizeHtml } from '../content/sanitize';
import { MAX_URL, SAFE_URL } from '../content/url';
import { selectorProblem } from '../content/targets';
import { LOCALE_TAG, MAX_LOCALES } from '../locale';
import { goalSchema } from './goal';

/** Ids marketers pick; they appear in HTML (data-wm-slot) and in reports. */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 characters of a-z 0-9 _ - (starting with a letter or digit)');

/**
 * URLs marketer content may point to: http(s), a path on the site itself, mailto: or tel:.
 * Never javascript:, data: or anything else a browser would run.
 */
export const safeUrlSchema = z.string().max(MAX_URL).regex(SAFE_URL, 'must be an http(s) URL, a path starting with /, mailto: or tel:');

/** Slot content. `html` is limited HTML, sanitized on save and again when rendered. */
export const contentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().min(1).max(5_000) }),
  z.strictObject({ type: z.literal('link'), text: z.string().min(1).max(500), href: safeUrlSchema }),
  z.strictObject({
    type: z.literal('image'),
    src: safeUrlSchema,
    alt: z.string().max(500),
    href: safeUrlSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('html'),
    // Sanitized on save, so a stored config only ever holds safe HTML (and again at render).
    // Re-reading a stored config re-runs this; sanitizeHtml is idempotent, so it is a no-op then.
    html: z
      .string()
      .min(1)
      .max(20_000)
      .transform((html) => sanitizeHtml(html))
      .refine((html) => html.length > 0, 'nothing is left once unsafe HTML (script, event handlers, unsafe URLs) is removed')
      .refine((html) => html.length <= 20_000, 'longer than 20000 characters once escaped'),
  }),
]);
export type SlotContent = z.infer<typeof contentSchema>;

/** A content locale: a BCP 47 tag as lower-case language[-script][-region] (protocol/locale.ts). */
export const localeTagSchema = z.string().regex(LOCALE_TAG, 'must be a lower-case BCP 47 tag: language[-region], like fr, fr-ca or es-419');

/**
 * Per-locale copies of some content beside its default (the default is the fallback). Each
 * locale's value goes through the same schema (sanitizer, safe URLs) as the default.
 */
export function localesSchema<T extends z.ZodType>(value: T) {
  return z
    .record(z.string(), value)
    .superRefine((locales, ctx) => {
      const tags = Object.keys(locales);
      if (tags.length > MAX_LOCALES) ctx.addIssue({ code: 'custom', message: `at most ${MAX_LOCALES} locales` });
      // Checked here rather than as the record's key schema, whose error would not say why.
      for (const tag of tags) {
        const problem = localeTagSchema.safeParse(tag).error?.issues[0]?.message;
        if (problem) ctx.addIssue({ code: 'custom', path: [tag], message: `"${tag}" ${problem}` });
      }
    })
    .optional();
}

export const segmentSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1).max(200),
  description: z.string().max(1_000).optional(),
  condition: conditionSchema,
});
export type Segment = z.infer<typeof segmentSchema>;

/**
 * A CSS selector marketers may target in addition to data-wm-slot: simple selectors only (tags,
 * ids, classes, attributes, descendant/child combinators), which HTMLRewriter and the browser
 * both understand, and never one that names an unsafe target (protocol/content/targets.ts).
 */
export const selectorSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-zA-Z0-9_\-#.\[\]=" >:*]+$/, 'must be a simple CSS selector (tags, #id, .class, [attr="value"], descendant or child)')
  .superRefine((selector, ctx) => {
    const problem = selectorProblem(selector);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A slot experiment (docs/experiment-stats.md "Slot experiments"): of the visitors a variant would
 * be shown to, `holdout` percent keep the page's default content (the control); conversions on
 * `goal` measure the lift of the personalized content over that default.
 */
export const slotExperimentSchema = z.strictObject({
  holdout: z.number().int().min(0, 'holdout must be 0 to 50 percent').max(50, 'holdout must be 0 to 50 percent'),
  goal: goalSchema,
});
export type SlotExperiment = z.infer<typeof slotExperimentSchema>;

export const slotSchema = z.strictObject({
  /** Matches data-wm-slot="id" on the page. */
  id: slugSchema,
  name: z.string().min(1).max(200),
  selector: selectorSchema.optional(),
  /** Highest priority first; the first whose segment matches wins, else the page's default stays. */
  variants: z
    .array(
      z.strictObject({
        segment: slugSchema,
        priority: z.number().int().min(0).max(1_000),
        content: contentSchema,
        /** The content per locale ("fr": {...}); `content` is the fallback (docs/localized-content.md). */
        locales: localesSchema(contentSchema),
      }),
    )
    .max(50),
  /** Optional: without it the slot is filled as its variants say, for everyone who matches. */
  experiment: slotExperimentSchema.optional(),
});
export type Slot = z.infer<typeof slotSchema>;

/** Proxy mode: the worker fetches pages from `upstream` and personalizes them on the way. */
export const proxySchema = z.strictObject({
  /** An https origin, or "assets" for the static files bundled with the worker (the local demo). */
  upstream: z.union([z.literal('assets'), z.string().regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be an origin like https://origin.shop.example')]),
  /** Hosts this site is served on (routes/proxy.ts); unique across sites, checked by the AdminStore. */
  hostnames: hostnamesSchema.optional(),
});
