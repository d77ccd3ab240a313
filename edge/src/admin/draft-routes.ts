/**
 * Drafts and versions in the admin API (docs/drafts-and-versions.md). Thin handlers over the site's
 * SiteAdmin (site-admin.ts; the logic is draft-edit.ts, the diff protocol/version-diff.ts):
 *   GET    /sites/:site/draft                      the draft: changes, effective config, diff vs live, review, schedule (read)
 *   PUT    /sites/:site/draft/:collection/:id      put an item in the draft (write)
 *   DELETE /sites/:site/draft/:collection/:id      delete an item in the draft (write)
 *   DELETE /sites/:site/draft                      discard the draft (write)
 *   POST   /sites/:site/draft/publish              the draft goes live as a new version (write; publish when the site requires approval)
 *   POST   /sites/:site/draft/submit               ask a publisher to review it (write)
 *   POST   /sites/:site/draft/approve | reject     a publisher's answer; approve publishes (publish)
 *   PUT    /sites/:site/draft/schedule             publish at a time, by the object's alarm (write; publish with approval)
 *   DELETE /sites/:site/draft/schedule             cancel that (write)
 *   GET    /sites/:site/versions[/:version]        the versions; one with its diff against the one before (read)
 *   POST   /sites/:site/versions/:version/revert   a NEW version equal to that one (publish)
 * Mounted before the generic item routes (/sites/:site/:collection/:id would claim these paths).
 * Permissions come from ROUTE_RULES and `grants()` only (protocol/api-tokens.ts).
 */
import { z } from 'zod';
import { grants } from '../../../protocol/api-tokens';
import {
  DRAFT_COLLECTIONS,
  draftItemBodySchema,
  draftRejectBodySchema,
  draftResponseSchema,
  draftScheduleBodySchema,
  logLimitQuerySchema,
  publishResponseSchema,
  versionResponseSchema,
  versionsResponseSchema,
  type AdminErrorBody,
  type DraftResponse,
  type VersionResponse,
  type VersionsResponse,
} from '../../../protocol/admin';
import type { SiteConfig } from '../../../protocol/config/site';
import { diffConfigs } from '../../../protocol/version-diff';
import { siteIdSchema, type ErrorResponse } from '../../../protocol/wire';
import { HttpError } from '../http/errors';
import { redactSecrets } from '../webhooks/secret';
import type { AdminContext } from './auth';
import { siteAdmin } from './objects';
import { declareRoute, errors, json, jsonBody, type AdminApp } from './openapi';
import { parseInput, readJson } from './request';
import type { DraftResult, DraftSnapshot, WriteResult } from './site-admin';
import type { EditFailure } from './site-edit';

const siteParams = z.object({ site: siteIdSchema });
const draftItemParams = siteParams.extend({
  collection: z.enum(DRAFT_COLLECTIONS, { error: `must be one of ${DRAFT_COLLECTIONS.join(', ')} (webhooks are published directly)` }),
  id: z.string().describe('The item’s id (a slug).'),
});
const versionParams = siteParams.extend({
  version: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a version number')
    .describe('A version number.'),
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const mayPublish = (c: AdminContext) => grants(c.get('principal').permission, 'publish');
const actor = (c: AdminContext) => c.get('principal').actor;

function refused(c: AdminContext, failure: EditFailure): Response {
  const { ok: _ok, status, ...body } = failure;
  return c.json(body satisfies ErrorResponse & AdminErrorBody, status);
}

/** The draft as the API shows it (webhook secrets redacted). */
export function draftView(snapshot: DraftSnapshot, requester: { mayPublish: boolean }): DraftResponse<Record<string, unknown>> {
  const { live, changes, effective, state } = snapshot;
  const liveById = (collection: string, id: string) => (live[collection as keyof SiteConfig] as { id: string }[]).some((x) => x.id === id);
  return {
    site: redactSecrets(effective as { webhooks?: unknown[] }) as Record<string, unknown>,
    version: live.version,
    status: changes.length === 0 ? 'none' : state.submitted ? 'submitted' : 'editing',
    changes: changes.map((ch) => ({
      collection: ch.collection,
      id: ch.id,
      change: ch.item === null ? 'removed' : liveById(ch.collection, ch.id) ? 'changed' : 'added',
      by: ch.by,
      at: new Date(ch.at).toISOString(),
    })),
    diff: diffConfigs(redactSecrets(live) as Record<string, unknown>, redactSecrets(effective as { webhooks?: unknown[] }) as Record<string, unknown>),
    conflicts: snapshot.conflicts,
    author: changes.length === 0 ? null : [...changes].sort((a, b) => b.at - a.at)[0]!.by,
    submitted: state.submitted ? { by: state.submitted.by, at: new Date(state.submitted.at).toISOString() } : null,
    schedule: state.schedule ? { at: new Date(state.schedule.at).toISOString(), by: state.schedule.by } : null,
    requireApproval: live.requireApproval === true,
    you: { mayPublish: requester.mayPublish || live.requireApproval !== true, mayApprove: requester.mayPublish },
  };
}

function draftAnswer(c: AdminContext, result: DraftResult): Response {
  c.header('Cache-Control', 'no-store');
  if (!result.ok) return refused(c, result);
  return c.json(draftView(result, { mayPublish: mayPublish(c) }));
}

function publishAnswer(c: AdminContext, result: WriteResult): Response {
  if (!result.ok) return refused(c, result);
  return c.json({ site: redactSecrets(result.config), version: result.config.version });
}

function siteOf(c: AdminContext): string {
  return parseInput(siteParams, { site: c.req.param('site') }, 'path').site;
}

const DRAFT_ERRORS = errors(400, 401, 403, 404, 409);
const tags: ['Sites'] = ['Sites'];

export function declareDraftRoutes(app: AdminApp): void {
  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/draft',
      operationId: 'getDraft',
      summary: 'The site’s draft',
      description:
        'Its changes, the effective config (live + changes), a readable diff against live, its review and schedule. Without a draft: live, status `none`.',
      tags,
      request: { params: siteParams },
      responses: { 200: json(draftResponseSchema, 'The draft.'), ...errors(400, 401, 404) },
    },
    async (c) => {
      const site = siteOf(c);
      return draftAnswer(c, await siteAdmin(c.env, site).draft(site));
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/sites/{site}/draft',
      operationId: 'discardDraft',
      summary: 'Discard the draft',
      tags,
      request: { params: siteParams },
      responses: { 200: json(draftResponseSchema, 'No draft any more (live, status `none`).'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const site = siteOf(c);
      return draftAnswer(c, await siteAdmin(c.env, site).discardDraft(site, actor(c)));
    },
  );

  for (const [path, operationId, summary, description, run] of [
    [
      'publish',
      'publishDraft',
      'Publish the draft',
      'A new live version from live + the draft’s changes. 409 with `conflicts` when live changed an item the draft changed since it copied it. When the site requires approval, only a publisher may.',
      (c: AdminContext, site: string) => siteAdmin(c.env, site).publishDraft(site, actor(c), mayPublish(c)),
    ],
    [
      'approve',
      'approveDraft',
      'Approve a submitted draft (publishes it)',
      'Publishes a draft submitted for review; 404 when none waits.',
      (c: AdminContext, site: string) => siteAdmin(c.env, site).publishDraft(site, actor(c), mayPublish(c), 'approve'),
    ],
  ] as const) {
    declareRoute(
      app,
      {
        method: 'post',
        path: `/sites/{site}/draft/${path}`,
        operationId,
        summary,
        description,
        tags,
        request: { params: siteParams },
        responses: { 200: json(publishResponseSchema, 'The new live config and its version.'), ...DRAFT_ERRORS },
      },
      async (c) => {
        const site = siteOf(c);
        return publishAnswer(c, await run(c, site));
      },
    );
  }

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/draft/submit',
      operationId: 'submitDraft',
      summary: 'Submit the draft for approval',
      tags,
      request: { params: siteParams },
      responses: { 200: json(draftResponseSchema, 'The draft, status `submitted`.'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const site = siteOf(c);
      return draftAnswer(c, await siteAdmin(c.env, site).submitDraft(site, actor(c)));
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/draft/reject',
      operationId: 'rejectDraft',
      summary: 'Send a submitted draft back to editing',
      tags,
      request: { params: siteParams, body: jsonBody(draftRejectBodySchema) },
      responses: { 200: json(draftResponseSchema, 'The draft, status `editing`.'), ...errors(400, 401, 403, 404, 413, 415) },
    },
    async (c) => {
      const site = siteOf(c);
      const body = c.req.raw.body ? parseInput(draftRejectBodySchema, await readJson(c), 'body') : {};
      return draftAnswer(c, await siteAdmin(c.env, site).rejectDraft(site, actor(c), body.reason));
    },
  );

  declareRoute(
    app,
    {
      method: 'put',
      path: '/sites/{site}/draft/schedule',
      operationId: 'scheduleDraft',
      summary: 'Publish the draft at a time',
      description: 'A Durable Object alarm publishes it then, as whoever scheduled it. A new time replaces the old one.',
      tags,
      request: { params: siteParams, body: jsonBody(draftScheduleBodySchema) },
      responses: { 200: json(draftResponseSchema, 'The draft with its schedule.'), ...errors(400, 401, 403, 404, 413, 415) },
    },
    async (c) => {
      const site = siteOf(c);
      const { at } = parseInput(draftScheduleBodySchema, await readJson(c), 'body');
      return draftAnswer(c, await siteAdmin(c.env, site).scheduleDraft(site, Date.parse(at), actor(c), mayPublish(c)));
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/sites/{site}/draft/schedule',
      operationId: 'cancelDraftSchedule',
      summary: 'Cancel the scheduled publish',
      tags,
      request: { params: siteParams },
      responses: { 200: json(draftResponseSchema, 'The draft without a schedule.'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const site = siteOf(c);
      return draftAnswer(c, await siteAdmin(c.env, site).cancelSchedule(site, actor(c)));
    },
  );

  declareRoute(
    app,
    {
      method: 'put',
      path: '/sites/{site}/draft/{collection}/{id}',
      operationId: 'putDraftItem',
      summary: 'Put an item in the draft',
      description:
        'Segments, slots, messages and journeys. Validated as a live write would be, on live + the draft. Answers the draft (its `site` is the effective config).',
      tags,
      request: { params: draftItemParams, body: jsonBody(draftItemBodySchema) },
      responses: { 200: json(draftResponseSchema, 'The draft with the item.'), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
    async (c) => {
      const { site, collection, id } = parseInput(draftItemParams, c.req.param(), 'path');
      const body = await readJson(c);
      if (!isRecord(body)) throw new HttpError(400, 'body must be an object', { issues: [{ path: '(root)', message: 'expected an object' }] });
      const { baseVersion: _ignored, ...item } = body;
      return draftAnswer(c, await siteAdmin(c.env, site).editDraft(site, { collection, id, item }, actor(c)));
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/sites/{site}/draft/{collection}/{id}',
      operationId: 'deleteDraftItem',
      summary: 'Delete an item in the draft',
      description: 'An item still used in the draft is a 409 with `usedBy`.',
      tags,
      request: { params: draftItemParams },
      responses: { 200: json(draftResponseSchema, 'The draft without the item.'), ...errors(400, 401, 403, 404, 409) },
    },
    async (c) => {
      const { site, collection, id } = parseInput(draftItemParams, c.req.param(), 'path');
      return draftAnswer(c, await siteAdmin(c.env, site).editDraft(site, { collection, id }, actor(c)));
    },
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/versions',
      operationId: 'listVersions',
      summary: 'The site’s versions',
      tags,
      request: { params: siteParams, query: logLimitQuerySchema },
      responses: { 200: json(versionsResponseSchema, 'Newest first: number, time, who, what.'), ...errors(400, 401) },
    },
    async (c) => {
      const site = siteOf(c);
      const { limit = 100 } = parseInput(logLimitQuerySchema, c.req.query());
      const versions = await siteAdmin(c.env, site).versionList(site, limit);
      return c.json({ versions: versions.map((v) => ({ ...v, at: new Date(v.at).toISOString() })) } satisfies VersionsResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/versions/{version}',
      operationId: 'getVersion',
      summary: 'One version, with its diff against the one before',
      tags,
      request: { params: versionParams },
      responses: { 200: json(versionResponseSchema, 'The config then (webhook secrets redacted) and what it changed.'), ...errors(400, 401, 404) },
    },
    async (c) => {
      const { site, version } = parseInput(versionParams, c.req.param(), 'path');
      const found = await siteAdmin(c.env, site).versionAt(site, Number(version));
      if (!found) throw new HttpError(404, `site "${site}" has no version ${version}`);
      const config = redactSecrets(found.config);
      const previous = found.previous ? redactSecrets(found.previous) : null;
      return c.json({
        ...found.info,
        at: new Date(found.info.at).toISOString(),
        config,
        previousVersion: found.previous?.version ?? null,
        diff: diffConfigs(previous as Record<string, unknown> | null, config as unknown as Record<string, unknown>),
      } satisfies VersionResponse<unknown>);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/versions/{version}/revert',
      operationId: 'revertToVersion',
      summary: 'Revert to a version',
      description: 'One step: a NEW version equal to that one (webhooks keep their current secrets). The draft, if any, stays.',
      tags,
      request: { params: versionParams },
      responses: { 200: json(publishResponseSchema, 'The new live config and its version.'), ...errors(400, 401, 403, 404, 409) },
    },
    async (c) => {
      const { site, version } = parseInput(versionParams, c.req.param(), 'path');
      return publishAnswer(c, await siteAdmin(c.env, site).revert(site, Number(version), actor(c)));
    },
  );
}
