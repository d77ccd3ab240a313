/**
 * The providers' documented request shapes, as a strict receiver checks them: the demo's GA4-shaped
 * receiver (demo-ga4.ts) answers 400 with these reasons, as GA4's /debug/mp/collect validation would
 * report them, and the tests' loopback receivers check every provider's requests with them. Written
 * from the providers' API references (links in docs/destinations.md), independently of the mappings.
 * Pure.
 */
import { z } from 'zod';
import { GA4_RESERVED_EVENTS } from './ga4';

export type ValidationMessage = { fieldPath: string; description: string };
export type Received = { url: string; headers: Headers; body: string };

const messagesOf = (error: z.ZodError, prefix = ''): ValidationMessage[] =>
  error.issues.map((i) => ({ fieldPath: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)', description: i.message }));

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; messages: ValidationMessage[] } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false, messages: [{ fieldPath: '(root)', description: 'the body is not JSON' }] };
  }
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

// GA4 Measurement Protocol reference: names, reserved names and prefixes, limits.
const GA4_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const GA4_LONG_PARAMS: Record<string, number> = { page_location: 1000, page_referrer: 420, page_title: 300 };
const ga4Params = z.record(z.string(), z.union([z.string(), z.number()])).superRefine((params, ctx) => {
  const keys = Object.keys(params);
  if (keys.length > 25) ctx.addIssue({ code: 'custom', message: `at most 25 parameters per event (${keys.length})` });
  for (const key of keys) {
    if (!GA4_NAME.test(key))
      ctx.addIssue({ code: 'custom', path: [key], message: 'parameter names are at most 40 letters, digits or underscores, starting with a letter' });
    if (/^(google_|ga_|firebase_)/i.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'reserved parameter prefix' });
    const value = params[key];
    const max = GA4_LONG_PARAMS[key] ?? 100;
    if (typeof value === 'string' && value.length > max) ctx.addIssue({ code: 'custom', path: [key], message: `value longer than ${max} characters` });
  }
});
export const ga4BodySchema = z.strictObject({
  client_id: z.string().min(1, 'required'),
  user_id: z.string().min(1).max(256).optional(),
  timestamp_micros: z.number().int().positive().optional(),
  user_properties: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,23}$/, 'user property names are at most 24 characters'),
      z.strictObject({ value: z.union([z.string().max(36), z.number()]) }),
    )
    .refine((o) => Object.keys(o).length <= 25, 'at most 25 user properties')
    .optional(),
  consent: z.object({ ad_user_data: z.enum(['GRANTED', 'DENIED']).optional(), ad_personalization: z.enum(['GRANTED', 'DENIED']).optional() }).optional(),
  non_personalized_ads: z.boolean().optional(),
  events: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(GA4_NAME, 'event names are at most 40 letters, digits or underscores, starting with a letter')
          .refine((n) => !GA4_RESERVED_EVENTS.has(n.toLowerCase()) && !/^(google_|ga_|firebase_)/i.test(n), 'reserved event name'),
        params: ga4Params.optional(),
        timestamp_micros: z.number().int().positive().optional(),
      }),
    )
    .min(1, 'at least one event')
    .max(25, 'at most 25 events per request'),
});

/** GA4: `measurement_id` and `api_secret` in the query, the JSON body above, at most 130 KB. */
export function validateGa4(r: Received): ValidationMessage[] {
  const url = new URL(r.url);
  const out: ValidationMessage[] = [];
  if (!/^G-[A-Z0-9]+$/.test(url.searchParams.get('measurement_id') ?? ''))
    out.push({ fieldPath: 'measurement_id', description: 'a measurement id (G-…) is required in the query' });
  if (!url.searchParams.get('api_secret')) out.push({ fieldPath: 'api_secret', description: 'an API secret is required in the query' });
  if (bytes(r.body) > 130_000) out.push({ fieldPath: '(root)', description: 'the post body is larger than 130 KB' });
  const json = parseJson(r.body);
  if (!json.ok) return [...out, ...json.messages];
  const parsed = ga4BodySchema.safeParse(json.value);
  return parsed.success ? out : [...out, ...messagesOf(parsed.error)];
}

function basicUser(headers: Headers): string | null {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(headers.get('authorization') ?? '');
  if (!m) return null;
  const decoded = atob(m[1]!);
  return decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : null;
}

// Mixpanel Import API.
export const mixpanelBodySchema = z
  .array(
    z.strictObject({
      event: z.string().min(1).max(255),
      properties: z.looseObject({
        time: z.number().int().positive(),
        distinct_id: z.string().min(1).max(255),
        $insert_id: z.string().regex(/^[A-Za-z0-9-]{1,36}$/, '$insert_id must be at most 36 letters, digits or -'),
      }),
    }),
  )
  .min(1)
  .max(2000, 'at most 2000 events per request');

export function validateMixpanel(r: Received, apiSecret: string): ValidationMessage[] {
  const out: ValidationMessage[] = [];
  if (basicUser(r.headers) !== apiSecret) out.push({ fieldPath: 'authorization', description: 'Basic auth with the project secret as user is required' });
  if (new URL(r.url).searchParams.get('strict') !== '1') out.push({ fieldPath: 'strict', description: 'strict=1 expected' });
  const json = parseJson(r.body);
  if (!json.ok) return [...out, ...json.messages];
  const parsed = mixpanelBodySchema.safeParse(json.value);
  return parsed.success ? out : [...out, ...messagesOf(parsed.error)];
}

// PostHog /batch/.
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /T.*Z$/.test(s), 'an ISO 8601 timestamp');
export const posthogBodySchema = z.looseObject({
  api_key: z.string().min(1, 'required'),
  batch: z
    .array(
      z
        .looseObject({
          event: z.string().min(1),
          distinct_id: z.string().min(1).optional(),
          properties: z.looseObject({ distinct_id: z.string().optional() }),
          timestamp: iso,
          uuid: z.uuid('a UUID').optional(),
        })
        .refine((e) => e.distinct_id ?? e.properties.distinct_id, 'distinct_id is required (top level or in properties)'),
    )
    .min(1),
});

export function validatePostHog(r: Received, apiKey: string): ValidationMessage[] {
  const json = parseJson(r.body);
  if (!json.ok) return json.messages;
  const parsed = posthogBodySchema.safeParse(json.value);
  if (!parsed.success) return messagesOf(parsed.error);
  return parsed.data.api_key === apiKey ? [] : [{ fieldPath: 'api_key', description: 'not this project’s key' }];
}

// Segment HTTP Tracking API /v1/batch.
const segmentCall = z
  .looseObject({
    type: z.enum(['page', 'screen', 'track', 'identify', 'group', 'alias']),
    messageId: z.string().min(1).optional(),
    anonymousId: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
    timestamp: iso.optional(),
    context: z.looseObject({}).optional(),
    event: z.string().min(1).optional(),
    groupId: z.string().min(1).optional(),
    previousId: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.userId && !c.anonymousId) ctx.addIssue({ code: 'custom', message: 'userId or anonymousId is required' });
    if (c.type === 'track' && !c.event) ctx.addIssue({ code: 'custom', path: ['event'], message: 'required for track' });
    if (c.type === 'group' && !c.groupId) ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'required for group' });
    if (c.type === 'alias' && (!c.previousId || !c.userId))
      ctx.addIssue({ code: 'custom', path: ['previousId'], message: 'alias needs previousId and userId' });
    if (bytes(JSON.stringify(c)) > 32_000) ctx.addIssue({ code: 'custom', message: 'a call is larger than 32 KB' });
  });
export const segmentBodySchema = z.looseObject({ batch: z.array(segmentCall).min(1), sentAt: iso.optional() });

export function validateSegment(r: Received, writeKey: string): ValidationMessage[] {
  const out: ValidationMessage[] = [];
  if (basicUser(r.headers) !== writeKey) out.push({ fieldPath: 'authorization', description: 'Basic auth with the write key as user is required' });
  if (bytes(r.body) > 500_000) out.push({ fieldPath: '(root)', description: 'a batch is larger than 500 KB' });
  const json = parseJson(r.body);
  if (!json.ok) return [...out, ...json.messages];
  const parsed = segmentBodySchema.safeParse(json.value);
  return parsed.success ? out : [...out, ...messagesOf(parsed.error)];
}

// Amplitude HTTP V2.
export const amplitudeBodySchema = z
  .strictObject({
    api_key: z.string().min(1, 'required'),
    events: z
      .array(
        z.looseObject({
          event_type: z.string().min(1),
          user_id: z.string().optional(),
          device_id: z.string().optional(),
          time: z.number().int().positive().optional(),
          insert_id: z.string().min(1).optional(),
          event_properties: z.looseObject({}).optional(),
          user_properties: z.looseObject({}).optional(),
        }),
      )
      .min(1)
      .max(2000, 'at most 2000 events per request'),
    options: z.strictObject({ min_id_length: z.number().int().positive().optional() }).optional(),
  })
  .superRefine((b, ctx) => {
    const min = b.options?.min_id_length ?? 5;
    b.events.forEach((e, i) => {
      const ok = (id: string | undefined) => id !== undefined && id.length >= min;
      if (!ok(e.user_id) && !ok(e.device_id))
        ctx.addIssue({ code: 'custom', path: ['events', i], message: `needs a user_id or device_id of at least ${min} characters` });
    });
  });

export function validateAmplitude(r: Received, apiKey: string): ValidationMessage[] {
  if (bytes(r.body) > 1_000_000) return [{ fieldPath: '(root)', description: 'a request is larger than 1 MB' }];
  const json = parseJson(r.body);
  if (!json.ok) return json.messages;
  const parsed = amplitudeBodySchema.safeParse(json.value);
  if (!parsed.success) return messagesOf(parsed.error);
  return parsed.data.api_key === apiKey ? [] : [{ fieldPath: 'api_key', description: 'not this project’s key' }];
}
