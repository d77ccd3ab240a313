/**
 * Destinations in the admin API (docs/destinations.md):
 *   GET    /sites/:site/destinations                              each with its secrets' views and status
 *   PUT    /sites/:site/destinations/:id                          create or replace (+ write-only `secrets`)
 *   DELETE /sites/:site/destinations/:id                          and its secrets, outbox and log
 *   GET    /sites/:site/destinations/:id/log                      delivery log, newest first
 *   GET    /sites/:site/destinations/:id/dead-letters             the dead letter
 *   POST   /sites/:site/destinations/:id/dead-letters/replay      back to the outbox, due now
 *   POST   /sites/:site/destinations/:id/test                     one synthetic event now; the provider's answer
 * Destinations are site settings written straight to the live config (a new version, audited),
 * like webhooks, not drafted: they send visitor data out of Waymark, so every change is a publish.
 * Their secrets never enter the config: the SiteDestinations object keeps them.
 */
import { z } from 'zod';
import { DESTINATION_SECRETS, destinationSchema, type Destination } from '../../../protocol/config/destinations';
import { slugSchema } from '../../../protocol/config/personalization';
import type { SiteConfig } from '../../../protocol/config/site';
import {
  deadLettersResponseSchema,
  destinationLogResponseSchema,
  destinationResponseSchema,
  destinationsResponseSchema,
  destinationWriteBodySchema,
  replayBodySchema,
  replayResponseSchema,
  testSendResponseSchema,
  type DeadLettersResponse,
  type DestinationLogResponse,
  type DestinationResponse,
  type DestinationsResponse,
  type DestinationView,
  type ReplayResponse,
  type TestSendResponse,
} from '../../../protocol/destinations';
import { logLimitQuerySchema, versionQuerySchema, type AdminErrorBody } from '../../../protocol/admin';
import { grants } from '../../../protocol/api-tokens';
import { siteIdSchema, type ErrorResponse } from '../../../protocol/wire';
import type { AdminContext } from '../admin/auth';
import { siteAdmin } from '../admin/objects';
import type { WriteResult } from '../admin/site-admin';
import type { EditFailure } from '../admin/site-edit';
import { declareRoute, errors, json, jsonBody, type AdminApp } from '../admin/openapi';
import { baseVersionOf, parseInput, readJson } from '../admin/request';
import { HttpError } from '../http/errors';
import { destinationsOf } from './hand-off';
import { testEvent } from './test-event';

const params = z.object({ site: siteIdSchema });
const destinationParams = params.extend({ id: slugSchema });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function siteOf(c: AdminContext): Promise<SiteConfig> {
  const { site } = parseInput(params, { site: c.req.param('site') }, 'path');
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  return config;
}

async function destinationOf(c: AdminContext): Promise<{ config: SiteConfig; destination: Destination }> {
  const config = await siteOf(c);
  const { id } = parseInput(destinationParams, { site: config.id, id: c.req.param('id') }, 'path');
  const destination = config.destinations.find((d) => d.id === id);
  if (!destination) throw new HttpError(404, `no destination "${id}" in site "${config.id}"`);
  return { config, destination };
}

async function views(c: AdminContext, config: SiteConfig, list: Destination[]): Promise<DestinationView[]> {
  const overview: Record<string, Omit<DestinationView, 'destination'>> = list.length ? await destinationsOf(c.env, config.id).overview(list) : {};
  return list.map((destination) => ({ destination, ...overview[destination.id]! }));
}

/** A site write with the destinations replaced (SiteAdmin: versioned, audited); an error body as the admin API answers it. */
async function writeDestinations(c: AdminContext, config: SiteConfig, next: Destination[], baseVersion: number): Promise<WriteResult> {
  const { actor, permission } = c.get('principal');
  return siteAdmin(c.env, config.id).write(
    config.id,
    { kind: 'put-site', config: { ...config, destinations: next } },
    baseVersion,
    actor,
    grants(permission, 'publish'),
  );
}

function refusal(c: AdminContext, result: EditFailure) {
  const { ok: _ok, status, ...body } = result;
  return c.json(body satisfies ErrorResponse & AdminErrorBody, status);
}

export function declareDestinationRoutes(app: AdminApp): void {
  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/destinations',
      operationId: 'listDestinations',
      summary: 'List a site’s destinations',
      description: 'Each destination with its secrets shown as `{set, last4}` only, and its status: pending events, dead letters, the last attempt.',
      tags: ['Destinations'],
      request: { params },
      responses: { 200: json(destinationsResponseSchema, 'The destinations and the site’s version.'), ...errors(400, 401, 404) },
    },
    async (c) => {
      const config = await siteOf(c);
      return c.json({ destinations: await views(c, config, config.destinations), version: config.version } satisfies DestinationsResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'put',
      path: '/sites/{site}/destinations/{id}',
      operationId: 'putDestination',
      summary: 'Create or replace a destination',
      description:
        'The destination’s fields, `baseVersion` (the site version you edited) and `secrets` by name (ga4: apiSecret; mixpanel: apiSecret; posthog: projectApiKey; segment: writeKey; amplitude: apiKey; webhook: signingSecret, a whsec_ secret). A secret left out keeps its stored value; secrets are never answered back.',
      tags: ['Destinations'],
      request: { params: destinationParams, query: versionQuerySchema, body: jsonBody(destinationWriteBodySchema) },
      responses: {
        200: json(destinationResponseSchema, 'The destination as stored, and the site’s new version.'),
        ...errors(400, 401, 403, 404, 409, 413, 415),
      },
    },
    async (c) => {
      const config = await siteOf(c);
      const { id } = parseInput(destinationParams, { site: config.id, id: c.req.param('id') }, 'path');
      const body = await readJson(c);
      if (!isRecord(body)) throw new HttpError(400, 'body must be an object', { issues: [{ path: '(root)', message: 'expected an object' }] });
      const baseVersion = baseVersionOf(c, body);
      const { baseVersion: _base, secrets: rawSecrets, id: bodyId, ...fields } = body;
      if (bodyId !== undefined && bodyId !== id)
        throw new HttpError(400, 'id does not match the URL', { issues: [{ path: 'id', message: `must be "${id}"` }] });
      const destination = parseInput(destinationSchema, { ...fields, id }, 'destination');
      const names = DESTINATION_SECRETS[destination.kind];
      const secrets = parseInput(
        z.strictObject(Object.fromEntries(names.map((n) => [n, secretValueSchema(destination.kind, n)]))).partial(),
        rawSecrets ?? {},
        'secrets',
        ['secrets'],
      ) as Record<string, string>;
      const stub = destinationsOf(c.env, config.id);
      const exists = config.destinations.some((d) => d.id === id);
      const next = exists ? config.destinations.map((d) => (d.id === id ? destination : d)) : [...config.destinations, destination];
      // Secrets first, so a destination is never live without the key it was given; but not for an
      // edit of an older version, which the write refuses (409) and which must change nothing.
      if (Object.keys(secrets).length && baseVersion === config.version) await stub.setSecrets(id, secrets);
      const result = await writeDestinations(c, config, next, baseVersion);
      if (!result.ok) return refusal(c, result);
      const [view] = await views(c, result.config, [destination]);
      return c.json({ destination: view!, version: result.config.version } satisfies DestinationResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/sites/{site}/destinations/{id}',
      operationId: 'deleteDestination',
      summary: 'Delete a destination',
      description: 'Its secrets, waiting events, dead letters and log go too. The version edited comes as `?version=`.',
      tags: ['Destinations'],
      request: { params: destinationParams, query: versionQuerySchema },
      responses: { 200: json(destinationsResponseSchema, 'The remaining destinations and the site’s new version.'), ...errors(400, 401, 403, 404, 409) },
    },
    async (c) => {
      const { config, destination } = await destinationOf(c);
      const result = await writeDestinations(
        c,
        config,
        config.destinations.filter((d) => d.id !== destination.id),
        baseVersionOf(c),
      );
      if (!result.ok) return refusal(c, result);
      await destinationsOf(c.env, config.id).forget(destination.id);
      return c.json({ destinations: await views(c, result.config, result.config.destinations), version: result.config.version } satisfies DestinationsResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/destinations/{id}/log',
      operationId: 'getDestinationLog',
      summary: 'A destination’s delivery log',
      description:
        'One entry per request sent (a batch of events) or refused: time, events, attempt, outcome, status, latency, error. Newest first; the last 500 are kept.',
      tags: ['Destinations'],
      request: { params: destinationParams, query: logLimitQuerySchema },
      responses: { 200: json(destinationLogResponseSchema, 'Log entries, newest first.'), ...errors(400, 401, 404) },
    },
    async (c) => {
      const { config, destination } = await destinationOf(c);
      const { limit = 100 } = parseInput(logLimitQuerySchema, c.req.query());
      return c.json({ entries: await destinationsOf(c.env, config.id).deliveryLog(destination.id, Math.min(limit, 500)) } satisfies DestinationLogResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/destinations/{id}/dead-letters',
      operationId: 'getDestinationDeadLetters',
      summary: 'A destination’s dead letter',
      description:
        'Events the provider refused (a 4xx other than 408/409/425/429), that failed every retry, or could not be sent (a secret not set, an event too large). Kept 30 days, 10,000 at most.',
      tags: ['Destinations'],
      request: { params: destinationParams, query: logLimitQuerySchema },
      responses: { 200: json(deadLettersResponseSchema, 'Dead letters, newest first, and how many there are.'), ...errors(400, 401, 404) },
    },
    async (c) => {
      const { config, destination } = await destinationOf(c);
      const { limit = 100 } = parseInput(logLimitQuerySchema, c.req.query());
      return c.json((await destinationsOf(c.env, config.id).deadLetters(destination.id, Math.min(limit, 1000))) satisfies DeadLettersResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/destinations/{id}/dead-letters/replay',
      operationId: 'replayDestinationDeadLetters',
      summary: 'Replay dead letters',
      description:
        'The named dead letters (all, without `eventIds`) go back to the outbox, due now, with their attempts starting over. Providers deduplicate on the event id where they can.',
      tags: ['Destinations'],
      request: { params: destinationParams, body: jsonBody(replayBodySchema) },
      responses: { 200: json(replayResponseSchema, 'How many were queued again.'), ...errors(400, 401, 403, 404, 413, 415) },
    },
    async (c) => {
      const { config, destination } = await destinationOf(c);
      const { eventIds } = parseInput(replayBodySchema, await readJson(c), 'body');
      return c.json({ replayed: await destinationsOf(c.env, config.id).replay(config.id, destination.id, eventIds) } satisfies ReplayResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/destinations/{id}/test',
      operationId: 'testDestination',
      summary: 'Send a test event',
      description:
        'Sends one synthetic `waymark_test` track event to the destination now (enabled or not, filters not applied), and answers the provider’s status and the first 500 characters of its answer. Logged as a test.',
      tags: ['Destinations'],
      request: { params: destinationParams },
      responses: { 200: json(testSendResponseSchema, 'What the provider answered (a refusal is still a 200 with ok: false).'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const { config, destination } = await destinationOf(c);
      const origin = config.origins[0] ?? new URL(c.req.url).origin;
      return c.json((await destinationsOf(c.env, config.id).sendTest(destination, testEvent(origin, Date.now()))) satisfies TestSendResponse);
    },
  );
}

/** Each secret's check: a webhook's must be a whsec_ secret (Standard Webhooks); others are the provider's key as given. */
function secretValueSchema(kind: Destination['kind'], _name: string): z.ZodType<string> {
  const value = z
    .string()
    .min(8, 'too short for a provider key')
    .max(500)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
  return kind === 'webhook' ? value.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be a whsec_ secret (Standard Webhooks)') : value;
}
