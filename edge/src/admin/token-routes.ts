/**
 * Admin API tokens, mounted at /_wm/admin/api/tokens. These routes need `admin`
 * (protocol/api-tokens.ts ROUTE_RULES), which only a signed-in browser session holds: a token can
 * never make or revoke tokens. Thin: validate, call the AdminStore (api-tokens.ts owns the table).
 */
import { Hono } from 'hono';
import { createTokenBodySchema, MAX_API_TOKENS, tokenIdSchema, type TokenCreatedResponse, type TokensResponse } from '../../../protocol/api-tokens';
import { HttpError } from '../http/errors';
import { formatIssues } from '../ingest/batch';
import { newTokenSecret, tokenSecretHash } from './api-tokens';
import type { AdminEnv } from './auth';
import { adminStore } from './objects';
import { readJson } from './request';

const DAY_MS = 24 * 60 * 60 * 1000;

export const tokenApi = new Hono<AdminEnv>();

tokenApi.get('/', async (c) => c.json({ tokens: await adminStore(c.env).listApiTokens() } satisfies TokensResponse));

tokenApi.post('/', async (c) => {
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
});

tokenApi.delete('/:id', async (c) => {
  const id = tokenIdSchema.safeParse(c.req.param('id'));
  if (!id.success)
    throw new HttpError(400, `token id: ${id.error.issues[0]?.message ?? 'invalid'}`, {
      issues: [{ path: 'id', message: id.error.issues[0]?.message ?? 'invalid' }],
    });
  if (!(await adminStore(c.env).revokeApiToken(id.data))) throw new HttpError(404, `no token "${id.data}"`);
  return c.body(null, 204);
});
