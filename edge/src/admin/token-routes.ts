/**
 * Admin API tokens, at /_wm/admin/api/tokens. These routes need `admin`
 * (protocol/api-tokens.ts ROUTE_RULES), which only a signed-in browser session holds: a token can
 * never make or revoke tokens. Thin: validate, call the AdminStore (api-tokens.ts owns the table).
 */
import { z } from 'zod';
import {
  createTokenBodySchema,
  MAX_API_TOKENS,
  tokenCreatedResponseSchema,
  tokenIdSchema,
  tokensResponseSchema,
  type TokenCreatedResponse,
  type TokensResponse,
} from '../../../protocol/api-tokens';
import { HttpError } from '../http/errors';
import { formatIssues } from '../ingest/batch';
import { newTokenSecret, tokenSecretHash } from './api-tokens';
import { adminStore } from './objects';
import { declareRoute, errors, json, jsonBody, type AdminApp } from './openapi';
import { readJson } from './request';

const DAY_MS = 24 * 60 * 60 * 1000;

export function declareTokenRoutes(app: AdminApp): void {
  declareRoute(
    app,
    {
      method: 'get',
      path: '/tokens',
      operationId: 'listTokens',
      summary: 'List the API tokens',
      description: 'Name, scope, sites, creation, last use and expiry of every token; never a secret or its hash.',
      tags: ['Tokens'],
      responses: { 200: json(tokensResponseSchema, 'Every token.'), ...errors(401, 403) },
    },
    async (c) => c.json({ tokens: await adminStore(c.env).listApiTokens() } satisfies TokensResponse),
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'Create an API token',
      description: 'Answers the secret (`wm_…`) once: only its SHA-256 is stored.',
      tags: ['Tokens'],
      request: { body: jsonBody(createTokenBodySchema) },
      responses: { 201: json(tokenCreatedResponseSchema, 'The token and its secret, shown this once.'), ...errors(400, 401, 403, 409, 413, 415) },
    },
    async (c) => {
      const body = createTokenBodySchema.safeParse(await readJson(c));
      if (!body.success) {
        const issues = formatIssues(body.error);
        throw new HttpError(400, `invalid token: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
      }
      const { name, scope, sites = null, expiresInDays = null } = body.data;
      const secret = newTokenSecret();
      const created = await adminStore(c.env).createApiToken({
        name,
        scope,
        sites,
        expiresAt: expiresInDays === null ? null : Date.now() + expiresInDays * DAY_MS,
        createdBy: c.get('principal').actor,
        secretHash: await tokenSecretHash(secret),
      });
      if (!created.ok) {
        throw created.reason === 'limit'
          ? new HttpError(409, `the limit of ${MAX_API_TOKENS} tokens is reached: revoke one you no longer use first`)
          : new HttpError(409, `a token named "${name}" exists: pick another name`, { issues: [{ path: 'name', message: 'a token has this name' }] });
      }
      return c.json({ token: created.token, secret } satisfies TokenCreatedResponse, 201);
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/tokens/{id}',
      operationId: 'revokeToken',
      summary: 'Revoke an API token',
      description: 'Deletes the token: the next request that carries it gets 401.',
      tags: ['Tokens'],
      request: { params: z.object({ id: tokenIdSchema }) },
      responses: { 204: { description: 'Revoked.' }, ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const id = tokenIdSchema.safeParse(c.req.param('id'));
      if (!id.success)
        throw new HttpError(400, `token id: ${id.error.issues[0]?.message ?? 'invalid'}`, {
          issues: [{ path: 'id', message: id.error.issues[0]?.message ?? 'invalid' }],
        });
      if (!(await adminStore(c.env).revokeApiToken(id.data))) throw new HttpError(404, `no token "${id.data}"`);
      return c.body(null, 204);
    },
  );
}
