/**
 * Site configuration: who may send events for a site, and its consent policy.
 * Versioned JSON, validated on every read and write; pure (no KV here, see site-store.ts).
 */
import { z } from 'zod';
import { siteIdSchema } from '../wire';
import { proxySchema, segmentSchema, slotSchema } from './personalization';
import { DEFAULT_FATIGUE, fatigueSchema, messageSchema } from './messages';
import { journeyReferenceIssues, journeySchema } from './journeys';
import { webhookSchema } from './webhooks';
import { destinationsSchema } from './destinations';
import { emailSettingsSchema } from './email';
import { claimedHostnames, hostnameSchema } from './hostnames';
import { contentHostIssues } from '../content/hosts';

/** Hosts marketer content may use beyond the site's own (protocol/content/hosts.ts), e.g. an image CDN. */
export const contentSettingsSchema = z.strictObject({
  allowedHosts: z
    .array(hostnameSchema)
    .max(50, 'at most 50 hosts')
    .refine((hosts) => new Set(hosts).size === hosts.length, 'a host is listed twice')
    .default([]),
});

/** An origin is scheme://host[:port] with nothing after it, exactly as browsers send it. */
export const originSchema = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be an origin like https://shop.example.com (no path, no trailing slash)')
  .transform((s) => s.toLowerCase());

/** The most analytics shards a site may have (each report asks every one of them). */
export const MAX_ANALYTICS_SHARDS = 64;

export const siteConfigSchema = z
  .strictObject({
    id: siteIdSchema,
    name: z.string().min(1).max(200),
    /** Monotonic; every write increments it (optimistic concurrency in the admin API). */
    version: z.number().int().nonnegative(),
    /** Pages on these origins may send events; requests carrying any other Origin are refused. */
    origins: z.array(originSchema).max(100),
    /** opt-out: store unless the visitor declines or sends GPC; opt-in: store nothing until they agree. */
    consentPolicy: z.enum(['opt-in', 'opt-out']),
    /** Proxy mode: the consent platform the injected tag reads (data-cmp, wm-consent.js; docs/consent-platforms.md). */
    consentPlatform: z.enum(['gcm', 'tcf', 'onetrust', 'cookiebot', 'auto']).optional(),
    segments: z.array(segmentSchema).max(200).default([]),
    slots: z.array(slotSchema).max(200).default([]),
    /** In-app messages (banners, modals, toasts, inline, surveys); see messages/schema.ts. */
    messages: z.array(messageSchema).max(200).default([]),
    /** Site-wide limits across all messages (per rolling 24 h, and minutes between two). */
    messageFatigue: fatigueSchema.default({ ...DEFAULT_FATIGUE }),
    /** Present when the site is routed through the worker (zero-flicker personalization). */
    proxy: proxySchema.optional(),
    /** Multi-step journeys run in each visitor's profile (journeys/), and the webhooks they call. */
    journeys: z.array(journeySchema).max(50).default([]),
    webhooks: z.array(webhookSchema).max(50).default([]),
    /** Where stored events are forwarded server-side (GA4, Mixpanel, ...; docs/destinations.md). Secrets are not here. */
    destinations: destinationsSchema,
    /**
     * Identity verification (identity/signed.ts): with requireSignedUserId, identify needs the
     * site server's signature ("<userId>.<sig>"); absent or false, identify is a claim as before.
     */
    identity: z.strictObject({ requireSignedUserId: z.boolean() }).optional(),
    /**
     * Approval (docs/drafts-and-versions.md): when true, only a principal with `publish` may publish
     * or schedule the draft, or write items directly; others submit the draft for a publisher to approve.
     */
    requireApproval: z.boolean().optional(),
    /** Content hosts: images and links in slots and messages may point to these besides the site's own. */
    content: contentSettingsSchema.optional(),
    /**
     * How many SiteAnalytics objects share the site's journey analytics (by visitor; docs/analytics-and-scale.md,
     * "Shards"). Raising it spreads new visitors over more objects; a visitor already stored stays
     * in their object for life, and a lower value never takes visitors back (the count in force is
     * the highest ever set). Absent: 1.
     */
    analyticsShards: z.number().int().min(1, 'at least 1').max(MAX_ANALYTICS_SHARDS, `at most ${MAX_ANALYTICS_SHARDS}`).optional(),
    /** E-mail steps of journeys: templates, sender, provider, frequency cap (config/email.ts, docs/email.md). */
    email: emailSettingsSchema.optional(),
  })
  .superRefine((site, ctx) => {
    // Every slot variant must name a segment that exists, and ids must be unique.
    const segments = new Set<string>();
    site.segments.forEach((s, i) => {
      if (segments.has(s.id)) ctx.addIssue({ code: 'custom', path: ['segments', i, 'id'], message: `duplicate segment id "${s.id}"` });
      segments.add(s.id);
    });
    const slots = new Set<string>();
    site.slots.forEach((slot, i) => {
      if (slots.has(slot.id)) ctx.addIssue({ code: 'custom', path: ['slots', i, 'id'], message: `duplicate slot id "${slot.id}"` });
      slots.add(slot.id);
      slot.variants.forEach((v, j) => {
        if (!segments.has(v.segment)) {
          ctx.addIssue({ code: 'custom', path: ['slots', i, 'variants', j, 'segment'], message: `no segment "${v.segment}"` });
        }
      });
    });
    // Message ids are unique (exposures and reports key on them); their segments exist.
    const messages = new Set<string>();
    site.messages.forEach((m, i) => {
      if (messages.has(m.id)) ctx.addIssue({ code: 'custom', path: ['messages', i, 'id'], message: `duplicate message id "${m.id}"` });
      messages.add(m.id);
      m.segments.forEach((segment, j) => {
        if (!segments.has(segment)) ctx.addIssue({ code: 'custom', path: ['messages', i, 'segments', j], message: `no segment "${segment}"` });
      });
    });
    // Journeys name segments, messages and webhooks that must exist; webhook and journey ids are unique.
    for (const issue of journeyReferenceIssues(site)) ctx.addIssue({ code: 'custom', ...issue });
    // Images and links only to the site's own hosts and content.allowedHosts.
    for (const issue of contentHostIssues(site)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type SiteConfig = z.output<typeof siteConfigSchema>;
/** What a writer may send: defaults (empty segments and slots) filled in on parse. */
export type SiteConfigInput = z.input<typeof siteConfigSchema>;

/**
 * Requests without an Origin header come from non-browser clients (server-side tracking,
 * tests, curl); browsers always send Origin on POST and DELETE, so those are checked.
 *
 * Allowed: the site's `origins`; `https://<hostname>` for each of its `proxy.hostnames` (its
 * pages are served there, so its snippet sends from there; listing them twice is not asked of
 * anyone, and forgetting to used to refuse every batch with 403); and a request's own origin
 * when the request reached a hostname the site claims (`requestUrl`: the URL the worker was asked
 * for, never a forwarding header): the page and its snippet share that origin, whatever its
 * scheme or port (http in local development, or a site still served over http).
 */
export function originAllowed(site: SiteConfig, origin: string | null | undefined, requestUrl?: string): boolean {
  if (origin === null || origin === undefined) return true;
  const asked = origin.toLowerCase();
  if (site.origins.includes(asked)) return true;
  const hostnames = claimedHostnames(site);
  if (hostnames.some((hostname) => asked === `https://${hostname}`)) return true;
  if (!requestUrl) return false;
  const own = new URL(requestUrl);
  return asked === own.origin && hostnames.includes(own.hostname);
}
