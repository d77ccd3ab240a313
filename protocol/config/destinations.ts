/**
 * Destinations (docs/destinations.md): per site, the stored events forwarded server-side to GA4,
 * Mixpanel, PostHog, Segment, Amplitude or a signed webhook. Part of the site config, without any
 * secret: API keys and signing secrets are write-only and live in the site's SiteDestinations
 * object (edge/src/destinations/secrets.ts), so no config read, version, diff or export carries them.
 *
 * Provider hosts are fixed per kind (a region picks among the provider's documented hosts); the
 * only free hosts are a self-hosted PostHog and the webhook URL, both checked by the SSRF guard.
 * `demoEndpoint` points a fixed-host kind at the local demo's GA4-shaped receiver: it must be that
 * loopback URL, which the edge sends to only with WM_DEMO (never on a deployment).
 */
import { z } from 'zod';
import { slugSchema } from './personalization';
import { checkPublicUrl, LOCAL_DEMO_SINK } from '../net/public-url';
import { webhookUrlSchema } from './webhooks';

export { DESTINATION_KINDS, DESTINATION_SECRETS, type DestinationKind } from '../destinations-mapping';

/** Only the local demo's loopback receiver; sent only with WM_DEMO (edge/src/net/guarded-fetch.ts). */
const demoEndpointSchema = z
  .string()
  .max(300)
  .refine((url) => LOCAL_DEMO_SINK.test(url), 'must be the local demo receiver (http://127.0.0.1:<port>/_wm/demo/ga4/mp/collect); provider hosts are fixed')
  .optional();

const publicHttpsHost = z
  .string()
  .max(300)
  .superRefine((url, ctx) => {
    const verdict = checkPublicUrl(url);
    if (!verdict.ok) ctx.addIssue({ code: 'custom', message: verdict.reason });
    else if (verdict.url.pathname !== '/' || verdict.url.search)
      ctx.addIssue({ code: 'custom', message: 'must be an origin like https://posthog.example.com (no path)' });
  });

export const ga4SettingsSchema = z.strictObject({
  measurementId: z.string().regex(/^G-[A-Z0-9]{4,20}$/, 'must be a GA4 measurement id like G-ABC123XYZ'),
  /** global: www.google-analytics.com; eu: region1.google-analytics.com (data collected in the EU). */
  region: z.enum(['global', 'eu']).default('global'),
  demoEndpoint: demoEndpointSchema,
});
export const mixpanelSettingsSchema = z.strictObject({
  /** us: api.mixpanel.com; eu: api-eu.mixpanel.com; in: api-in.mixpanel.com. */
  region: z.enum(['us', 'eu', 'in']).default('us'),
  demoEndpoint: demoEndpointSchema,
});
export const posthogSettingsSchema = z
  .strictObject({
    /** us: us.i.posthog.com; eu: eu.i.posthog.com; self-hosted: `host`. */
    region: z.enum(['us', 'eu', 'self-hosted']).default('us'),
    host: publicHttpsHost.optional(),
    demoEndpoint: demoEndpointSchema,
  })
  .superRefine((s, ctx) => {
    if (s.region === 'self-hosted' && !s.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'required for a self-hosted PostHog' });
    if (s.region !== 'self-hosted' && s.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'only for region "self-hosted"' });
  });
export const segmentSettingsSchema = z.strictObject({
  /** us: api.segment.io; eu: events.eu1.segmentapis.com. */
  region: z.enum(['us', 'eu']).default('us'),
  demoEndpoint: demoEndpointSchema,
});
export const amplitudeSettingsSchema = z.strictObject({
  /** us: api2.amplitude.com; eu: api.eu.amplitude.com. */
  region: z.enum(['us', 'eu']).default('us'),
  demoEndpoint: demoEndpointSchema,
});
export const webhookDestinationSettingsSchema = z.strictObject({ url: webhookUrlSchema });

const eventNameSchema = z.string().min(1).max(100);
export const destinationFiltersSchema = z
  .strictObject({
    events: z
      .strictObject({
        /** Event names forwarded (a track event's name, else its type: page, identify, group, alias, prefs); empty: all. */
        include: z.array(eventNameSchema).max(100).default([]),
        exclude: z.array(eventNameSchema).max(100).default([]),
      })
      .default({ include: [], exclude: [] }),
    /** Consent categories the visitor must have given; analytics always (nothing is stored, so nothing forwarded, without it). */
    consent: z
      .array(z.enum(['analytics', 'personalization']))
      .max(2)
      .default(['analytics'])
      .refine((c) => c.includes('analytics'), 'must include "analytics": nothing leaves without analytics consent'),
  })
  .default({ events: { include: [], exclude: [] }, consent: ['analytics'] });
export type DestinationFilters = z.output<typeof destinationFiltersSchema>;

const common = {
  id: slugSchema,
  name: z.string().min(1).max(200),
  enabled: z.boolean().default(true),
  filters: destinationFiltersSchema,
};

export const destinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('ga4'), settings: ga4SettingsSchema }),
  z.strictObject({ ...common, kind: z.literal('mixpanel'), settings: mixpanelSettingsSchema.default({ region: 'us' }) }),
  z.strictObject({ ...common, kind: z.literal('posthog'), settings: posthogSettingsSchema.default({ region: 'us' }) }),
  z.strictObject({ ...common, kind: z.literal('segment'), settings: segmentSettingsSchema.default({ region: 'us' }) }),
  z.strictObject({ ...common, kind: z.literal('amplitude'), settings: amplitudeSettingsSchema.default({ region: 'us' }) }),
  z.strictObject({ ...common, kind: z.literal('webhook'), settings: webhookDestinationSettingsSchema }),
]);
export type Destination = z.output<typeof destinationSchema>;
export type DestinationInput = z.input<typeof destinationSchema>;

/** The site config's field (protocol/config/site.ts): at most 20, ids unique. */
export const destinationsSchema = z
  .array(destinationSchema)
  .max(20, 'at most 20 destinations')
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((d, i) => {
      if (seen.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate destination id "${d.id}"` });
      seen.add(d.id);
    });
  });

/** The name a filter matches: a track event's name, else its type. */
export function filterName(event: { type: string; name?: string }): string {
  return event.type === 'track' && event.name ? event.name : event.type;
}

/** Whether an event's name passes a destination's include/exclude lists. Pure. */
export function passesEventFilter(filters: DestinationFilters, event: { type: string; name?: string }): boolean {
  const name = filterName(event);
  if (filters.events.exclude.includes(name)) return false;
  return filters.events.include.length === 0 || filters.events.include.includes(name);
}
