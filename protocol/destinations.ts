/**
 * The admin API of destinations (edge/src/destinations/routes.ts, docs/destinations.md): request
 * and response schemas, defined once; the dashboard imports the types only.
 */
import { z } from 'zod';
import { destinationSchema, DESTINATION_KINDS } from './config/destinations';

/** A write-only secret as answers show it: whether it is set, and its last 4 characters at most. */
export const secretViewSchema = z.object({ set: z.boolean(), last4: z.string().max(4).nullable() });
export type SecretView = z.infer<typeof secretViewSchema>;

/** How a destination is doing, from its outbox and delivery log. */
export const destinationStatusSchema = z.object({
  pending: z.number().int().nonnegative(),
  dead: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative().describe('Events delivered in the last 7 days.'),
  lastAttemptAt: z.number().int().nullable(),
  lastOutcome: z.enum(['delivered', 'retry', 'dead']).nullable(),
  lastError: z.string().nullable(),
});
export type DestinationStatus = z.infer<typeof destinationStatusSchema>;

export const destinationViewSchema = z.object({
  destination: destinationSchema,
  secrets: z.record(z.string(), secretViewSchema),
  status: destinationStatusSchema,
});
export type DestinationView = z.infer<typeof destinationViewSchema>;

export const destinationsResponseSchema = z.object({ destinations: z.array(destinationViewSchema), version: z.number().int().nonnegative() });
export type DestinationsResponse = z.infer<typeof destinationsResponseSchema>;

export const destinationResponseSchema = z.object({ destination: destinationViewSchema, version: z.number().int().nonnegative() });
export type DestinationResponse = z.infer<typeof destinationResponseSchema>;

/**
 * PUT body: the destination's fields (its id is in the path), the site version edited, and the
 * secrets to set or replace (a secret left out keeps its stored value; never echoed back).
 */
export const destinationWriteBodySchema = z
  .looseObject({
    baseVersion: z.number().int().nonnegative(),
    kind: z.enum(DESTINATION_KINDS),
    secrets: z.record(z.string(), z.string().min(1).max(500)).optional(),
  })
  .describe('The destination (name, kind, enabled, settings, filters), `baseVersion` and optional `secrets`.');
export type DestinationWriteBody = z.input<typeof destinationWriteBodySchema> & Record<string, unknown>;

export const destinationLogEntrySchema = z.object({
  at: z.number().int(),
  events: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  outcome: z.enum(['delivered', 'retry', 'dead']),
  status: z.number().int().nullable(),
  latencyMs: z.number().int().nonnegative(),
  error: z.string().nullable(),
  nextAt: z.number().int().nullable(),
  test: z.boolean(),
});
export type DestinationLogEntry = z.infer<typeof destinationLogEntrySchema>;
export const destinationLogResponseSchema = z.object({ entries: z.array(destinationLogEntrySchema) });
export type DestinationLogResponse = z.infer<typeof destinationLogResponseSchema>;

export const deadLetterSchema = z.object({
  eventId: z.string(),
  name: z.string(),
  visitorId: z.string(),
  at: z.number().int().describe('When the event happened (client clock).'),
  attempts: z.number().int().nonnegative(),
  error: z.string().nullable(),
  deadAt: z.number().int(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
export const deadLettersResponseSchema = z.object({ deadLetters: z.array(deadLetterSchema), total: z.number().int().nonnegative() });
export type DeadLettersResponse = z.infer<typeof deadLettersResponseSchema>;

export const replayBodySchema = z.strictObject({
  eventIds: z.array(z.string().min(1).max(100)).max(1000).optional().describe('Replay these; absent: every dead letter of the destination.'),
});
export type ReplayBody = z.infer<typeof replayBodySchema>;
export const replayResponseSchema = z.object({ replayed: z.number().int().nonnegative() });
export type ReplayResponse = z.infer<typeof replayResponseSchema>;

export const testSendResponseSchema = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable(),
  latencyMs: z.number().int().nonnegative(),
  error: z.string().nullable(),
  bodyExcerpt: z.string().describe('The first 500 characters of the provider’s answer.'),
  eventId: z.string(),
});
export type TestSendResponse = z.infer<typeof testSendResponseSchema>;
