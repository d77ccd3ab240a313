/**
 * Audiences in the admin API (docs/audiences.md; schemas in protocol/audiences.ts):
 *   GET  /sites/:site/audiences/:segment/members   one page of members (cursor), JSON      read
 *   GET  /sites/:site/audiences/:segment/export    the whole list, streamed (csv/json/jsonl) read
 *   GET  /sites/:site/audiences/:segment/count     totals                                  read
 *   POST /sites/:site/trait-imports                an import job for a file                write
 *   POST /sites/:site/trait-imports/:id/chunks     one chunk of rows, applied              write
 *   GET  /sites/:site/trait-imports/:id            the job's progress and row errors       read
 * Thin: validate, then export.ts / import.ts.
 */
import { z } from 'zod';
import {
  audienceCountSchema,
  createImportBodySchema,
  createImportResponseSchema,
  exportDocumentSchema,
  exportQuerySchema,
  importChunkBodySchema,
  importChunkResponseSchema,
  importIdSchema,
  importJobSchema,
  membersPageSchema,
  membersQuerySchema,
  AUDIENCE_PAGE_DEFAULT,
  type CreateImportResponse,
  type ImportChunkResponse,
  type ImportJob,
} from '../../../protocol/audiences';
import { slugSchema } from '../../../protocol/config/personalization';
import type { SiteConfig } from '../../../protocol/config/site';
import { siteIdSchema } from '../../../protocol/wire';
import type { AdminContext } from '../admin/auth';
import { siteAdmin } from '../admin/objects';
import { declareRoute, errors, json, jsonBody, type AdminApp } from '../admin/openapi';
import { parseInput, readJson } from '../admin/request';
import { SiteShards } from '../analytics/sharded';
import { HttpError } from '../http/errors';
import { decisionContext } from '../personalize/decide-request';
import { base64url } from '../identity/token';
import { AudienceReader, EXPORT_CONTENT_TYPES, exportFilename } from './export';
import { applyImportChunk } from './import';

const siteParams = z.object({ site: siteIdSchema });
const segmentParams = siteParams.extend({ segment: slugSchema });
const importParams = siteParams.extend({ id: importIdSchema });

async function knownSite(c: AdminContext, site: string): Promise<SiteConfig> {
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  return config;
}

/** The site's live segment named in the path, and a reader of its members. */
async function audience(c: AdminContext, traits: readonly string[] = []): Promise<{ site: SiteConfig; reader: AudienceReader; segment: string }> {
  const p = parseInput(segmentParams, { site: c.req.param('site'), segment: c.req.param('segment') }, 'path');
  const site = await knownSite(c, p.site);
  const segment = site.segments.find((s) => s.id === p.segment);
  if (!segment) throw new HttpError(404, `no segment "${p.segment}" in site "${p.site}"`);
  const reader = new AudienceReader(new SiteShards(c.env, site.id), { segment: segment.id, condition: segment.condition, now: Date.now(), traits });
  return { site, reader, segment: segment.id };
}

const READ_ERRORS = [400, 401, 404] as const;
const WRITE_ERRORS = [400, 401, 403, 404, 413, 415] as const;

export function declareAudienceRoutes(app: AdminApp): void {
  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/audiences/{segment}/members',
      operationId: 'audienceMembers',
      summary: 'One page of a segment’s members (identified by user id, anonymous counted)',
      tags: ['Profiles'],
      request: { params: segmentParams, query: membersQuerySchema },
      responses: { 200: json(membersPageSchema, 'The page; `next` is the cursor of the following one (null after the last).'), ...errors(...READ_ERRORS) },
    },
    async (c) => {
      const q = parseInput(membersQuerySchema, c.req.query());
      const { reader } = await audience(c, q.traits);
      return c.json(await reader.page(q.cursor, q.limit));
    },
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/audiences/{segment}/count',
      operationId: 'audienceCount',
      summary: 'How many members a segment has: distinct user ids and anonymous visitors',
      tags: ['Profiles'],
      request: { params: segmentParams },
      responses: { 200: json(audienceCountSchema, 'The totals over every stored visitor.'), ...errors(...READ_ERRORS) },
    },
    async (c) => c.json(await (await audience(c)).reader.count()),
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/audiences/{segment}/export',
      operationId: 'audienceExport',
      summary: 'A segment’s members as a CSV, JSON or JSON-lines download, streamed page by page',
      tags: ['Profiles'],
      request: { params: segmentParams, query: exportQuerySchema },
      responses: {
        200: {
          description: 'The file (Content-Disposition: attachment). CSV: `user_id,<traits…>`, cells starting with = + - @ prefixed with an apostrophe.',
          content: {
            'text/csv': { schema: z.string() },
            'application/json': { schema: exportDocumentSchema },
            'application/x-ndjson': { schema: z.string() },
          },
        },
        ...errors(...READ_ERRORS),
      },
    },
    async (c) => {
      const q = parseInput(exportQuerySchema, c.req.query());
      const { site, reader, segment } = await audience(c, q.traits);
      const now = Date.now();
      return new Response(reader.stream(q.format, AUDIENCE_PAGE_DEFAULT), {
        headers: {
          'content-type': EXPORT_CONTENT_TYPES[q.format],
          'content-disposition': `attachment; filename="${exportFilename(site.id, segment, q.format, now)}"`,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        },
      });
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/trait-imports',
      operationId: 'createTraitImport',
      summary: 'Start importing traits for user ids from a CSV file (the same file again: the same job)',
      tags: ['Profiles'],
      request: { params: siteParams, body: jsonBody(createImportBodySchema) },
      responses: { 200: json(createImportResponseSchema, 'The job (`created` false: this file was imported before).'), ...errors(...WRITE_ERRORS) },
    },
    async (c) => {
      const { site } = parseInput(siteParams, { site: c.req.param('site') }, 'path');
      const body = parseInput(createImportBodySchema, await readJson(c), 'body');
      await knownSite(c, site);
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${site}|${body.sha256}|${body.header.join(',')}`));
      const now = Date.now();
      const job: ImportJob = {
        id: `imp_${base64url(new Uint8Array(digest)).slice(0, 16)}`,
        name: body.name,
        status: 'running',
        header: body.header,
        totalRows: body.totalRows,
        rowsDone: 0,
        applied: 0,
        notStored: 0,
        errorCount: 0,
        errors: [],
        createdAt: now,
        updatedAt: now,
      };
      return c.json((await siteAdmin(c.env, site).createImportJob(site, job)) satisfies CreateImportResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/trait-imports/{id}',
      operationId: 'traitImport',
      summary: 'A trait import’s progress: rows done of total, applied, not stored, row errors',
      tags: ['Profiles'],
      request: { params: importParams },
      responses: { 200: json(importJobSchema, 'The job.'), ...errors(...READ_ERRORS) },
    },
    async (c) => {
      const p = parseInput(importParams, { site: c.req.param('site'), id: c.req.param('id') }, 'path');
      const job = await siteAdmin(c.env, p.site).importJob(p.site, p.id);
      if (!job) throw new HttpError(404, `no import "${p.id}"`);
      return c.json(job);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/trait-imports/{id}/chunks',
      operationId: 'traitImportChunk',
      summary: 'Apply one chunk of an import’s rows (at most 100): good rows are stored, bad ones reported',
      tags: ['Profiles'],
      request: { params: importParams, body: jsonBody(importChunkBodySchema) },
      responses: { 200: json(importChunkResponseSchema, 'The chunk’s outcome and the job after it.'), ...errors(...WRITE_ERRORS) },
    },
    async (c) => {
      const p = parseInput(importParams, { site: c.req.param('site'), id: c.req.param('id') }, 'path');
      const chunk = parseInput(importChunkBodySchema, await readJson(c), 'body');
      const admin = siteAdmin(c.env, p.site);
      const [site, job] = await Promise.all([knownSite(c, p.site), admin.importJob(p.site, p.id)]);
      if (!job) throw new HttpError(404, `no import "${p.id}"`);
      const lastRow = chunk.firstRow + chunk.rows.length - 1;
      if (lastRow > job.totalRows)
        throw new HttpError(400, `rows: ends at row ${lastRow}, the import has ${job.totalRows}`, {
          issues: [{ path: 'rows', message: `ends at row ${lastRow}` }],
        });
      if (await admin.importChunkDone(p.site, p.id, chunk.firstRow))
        return c.json({ job, chunk: { applied: 0, notStored: 0, errors: [], duplicate: true } } satisfies ImportChunkResponse);
      const applied = await applyImportChunk({
        env: c.env,
        site,
        job,
        chunk,
        fallbackUrl: `${new URL(c.req.url).origin}/`,
        contextFor: (url) => decisionContext(c, site, { url }, { personalize: false }),
        waitUntil: (work) => c.executionCtx.waitUntil(work),
      });
      if ('retryAfterSeconds' in applied)
        return c.json({
          job,
          chunk: { applied: 0, notStored: 0, errors: [], duplicate: false },
          retryAfterSeconds: applied.retryAfterSeconds,
        } satisfies ImportChunkResponse);
      const { outcome } = applied;
      const after = (await admin.recordImportChunk(p.site, p.id, outcome)) ?? job;
      return c.json({
        job: after,
        chunk: { applied: outcome.applied, notStored: outcome.notStored, errors: outcome.errors, duplicate: false },
      } satisfies ImportChunkResponse);
    },
  );
}
