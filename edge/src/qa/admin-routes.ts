/**
 * QA links and "Preview as" in the admin API (docs/preview-and-qa.md):
 *   GET    /sites/:site/qa-links       the site's QA links (with their tokens)
 *   POST   /sites/:site/qa-links       a new link: what it forces, draft or live, days valid (default 7, at most 30)
 *   DELETE /sites/:site/qa-links/:id   revoked: the next request with its token is a normal visitor's
 *   POST   /sites/:site/preview        a one-hour, unlisted token for the dashboard's "Preview as" frame
 * All need `write` (protocol/api-tokens.ts ROUTE_RULES): a link shows whoever holds it content that
 * may be unpublished (the draft), and forcing it is an editor's check of their own work; it changes
 * nothing any visitor sees, so it needs no `publish`. Thin: validate, call the SiteAdmin object
 * (qa/links.ts owns the table), sign (qa/token.ts).
 */
import { z } from 'zod';
import type { SiteConfig } from '../../../protocol/config/site';
import {
  createQaLinkBodySchema,
  describeForce,
  MAX_QA_LINKS,
  PREVIEW_MINUTES,
  previewBodySchema,
  previewResponseSchema,
  qaLinkIdSchema,
  qaLinkResponseSchema,
  qaLinksResponseSchema,
  type PreviewResponse,
  type QaForce,
  type QaLink,
  type QaLinkResponse,
  type QaLinksResponse,
} from '../../../protocol/qa';
import { siteIdSchema } from '../../../protocol/wire';
import type { AdminContext } from '../admin/auth';
import { siteAdmin } from '../admin/objects';
import { declareRoute, errors, json, jsonBody, type AdminApp } from '../admin/openapi';
import { parseInput, readJson } from '../admin/request';
import { HttpError } from '../http/errors';
import { visitorSecret } from '../http/site-context';
import type { QaLinkRecord } from './links';
import { draftConfig } from './session';
import { newQaLinkId, signQaToken } from './token';

const DAY_MS = 86_400_000;
const params = z.object({ site: siteIdSchema });
const linkParams = params.extend({ id: qaLinkIdSchema });

async function knownSite(c: AdminContext): Promise<SiteConfig> {
  const site = parseInput(params, { site: c.req.param('site') }, 'path').site;
  const config = await siteAdmin(c.env, site).getSite(site);
  if (!config) throw new HttpError(404, `unknown site "${site}"`);
  return config;
}

/** A 400 when the force names nothing in the config it will be shown with (the draft, when asked and there is one). */
async function checkForce(c: AdminContext, live: SiteConfig, force: QaForce, draft: boolean): Promise<void> {
  const config = draft ? ((await draftConfig(c.env, live.id)) ?? live) : live;
  const where = draft ? 'the draft' : 'the live config';
  const fail = (path: string, message: string) => {
    throw new HttpError(400, `invalid QA link: force.${path}: ${message}`, { issues: [{ path: `force.${path}`, message }] });
  };
  if (force.kind === 'segment' && !config.segments.some((s) => s.id === force.segment)) fail('segment', `no segment "${force.segment}" in ${where}`);
  if (force.kind === 'message') {
    const message = config.messages.find((m) => m.id === force.message);
    if (!message) fail('message', `no message "${force.message}" in ${where}`);
    else if (!message.variants.some((v) => v.id === force.variant)) fail('variant', `message "${force.message}" has no variant "${force.variant}"`);
  }
  if (force.kind === 'slot') {
    const slot = config.slots.find((s) => s.id === force.slot);
    if (!slot) fail('slot', `no slot "${force.slot}" in ${where}`);
    else if (!slot.variants.some((v) => v.segment === force.variant)) fail('variant', `slot "${force.slot}" has no variant for segment "${force.variant}"`);
  }
}

async function withToken(c: AdminContext, site: string, link: QaLinkRecord): Promise<QaLink> {
  const { kind: _kind, ...rest } = link;
  return { ...rest, token: await signQaToken(visitorSecret(c.env), site, link.id, link.expiresAt) };
}

/** A new link's record; the expiry is whole seconds, as the token carries it. */
function newRecord(c: AdminContext, kind: QaLinkRecord['kind'], force: QaForce, draft: boolean, label: string, validMs: number): QaLinkRecord {
  const now = Date.now();
  return {
    id: newQaLinkId(),
    kind,
    label,
    force,
    draft,
    createdAt: now,
    createdBy: c.get('principal').actor,
    expiresAt: Math.floor((now + validMs) / 1000) * 1000,
    revokedAt: null,
  };
}

export function declareQaRoutes(app: AdminApp): void {
  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/qa-links',
      operationId: 'listQaLinks',
      summary: 'The site’s QA links',
      description: 'Newest first, revoked and expired ones included (for 30 days), each with its token (`?wm_qa=`).',
      tags: ['Sites'],
      request: { params },
      responses: { 200: json(qaLinksResponseSchema, 'Every QA link of the site.'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const site = (await knownSite(c)).id;
      const links = await siteAdmin(c.env, site).listQaLinks(site);
      return c.json({ links: await Promise.all(links.map((l) => withToken(c, site, l))) } satisfies QaLinksResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/qa-links',
      operationId: 'createQaLink',
      summary: 'Create a QA link',
      description:
        'A signed link that forces a segment, a profile’s segments, a message variant or a slot variant (live or draft) for whoever opens it; their session records nothing. Valid 7 days unless `expiresInDays` (1 to 30) says otherwise.',
      tags: ['Sites'],
      request: { params, body: jsonBody(createQaLinkBodySchema) },
      responses: { 201: json(qaLinkResponseSchema, 'The new link.'), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
    async (c) => {
      const config = await knownSite(c);
      const body = parseInput(createQaLinkBodySchema, await readJson(c), 'QA link');
      await checkForce(c, config, body.force, body.draft);
      const record = newRecord(c, 'link', body.force, body.draft, body.label ?? describeForce(body.force, body.draft), body.expiresInDays * DAY_MS);
      if (!(await siteAdmin(c.env, config.id).createQaLink(config.id, record))) {
        throw new HttpError(409, `the limit of ${MAX_QA_LINKS} QA links is reached: revoke links you no longer use (ended ones go after 30 days)`);
      }
      return c.json({ link: await withToken(c, config.id, record) } satisfies QaLinkResponse, 201);
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/sites/{site}/qa-links/{id}',
      operationId: 'revokeQaLink',
      summary: 'Revoke a QA link',
      description: 'From the next request on, its token forces nothing: whoever holds it is a normal visitor.',
      tags: ['Sites'],
      request: { params: linkParams },
      responses: { 200: json(qaLinkResponseSchema, 'The revoked link.'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const site = (await knownSite(c)).id;
      const id = parseInput(linkParams.shape.id, c.req.param('id'), 'path', ['id']);
      const link = await siteAdmin(c.env, site).revokeQaLink(site, id, c.get('principal').actor);
      if (!link) throw new HttpError(404, `no QA link "${id}" in site "${site}"`);
      return c.json({ link: await withToken(c, site, link) } satisfies QaLinkResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/preview',
      operationId: 'createPreview',
      summary: 'A “Preview as” token',
      description: `For the dashboard’s preview frame: like a QA link, but not listed, and valid ${PREVIEW_MINUTES} minutes.`,
      tags: ['Sites'],
      request: { params, body: jsonBody(previewBodySchema) },
      responses: { 200: json(previewResponseSchema, 'The token and what it forces.'), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
    async (c) => {
      const config = await knownSite(c);
      const body = parseInput(previewBodySchema, await readJson(c), 'preview');
      await checkForce(c, config, body.force, body.draft);
      const describe = describeForce(body.force, body.draft);
      const record = newRecord(c, 'preview', body.force, body.draft, describe, PREVIEW_MINUTES * 60_000);
      if (!(await siteAdmin(c.env, config.id).createQaLink(config.id, record))) throw new HttpError(409, `the limit of ${MAX_QA_LINKS} QA links is reached`);
      const token = await signQaToken(visitorSecret(c.env), config.id, record.id, record.expiresAt);
      return c.json({ token, expiresAt: record.expiresAt, describe } satisfies PreviewResponse);
    },
  );
}
