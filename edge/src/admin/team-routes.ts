/**
 * The team's admin API (docs/team.md): users and invitations at /_wm/admin/api/users and
 * /invitations (admin only, protocol/api-tokens.ts ROUTE_RULES), and the two public routes an
 * invitation link's page calls (/invite/check, /invite/accept). Thin: validate, call the AdminStore
 * (users.ts and invitations.ts own the tables), forget the isolate's cached roles after a change.
 */
import { z } from 'zod';
import type { SessionResponse } from '../../../protocol/admin';
import { sessionResponseSchema } from '../../../protocol/admin';
import { ROLE_PERMISSIONS } from '../../../protocol/api-tokens';
import {
  addUserBodySchema,
  BUILT_IN_ADMIN,
  createInvitationBodySchema,
  DEFAULT_INVITE_DAYS,
  invitationCreatedResponseSchema,
  invitationIdSchema,
  invitationsResponseSchema,
  inviteAcceptBodySchema,
  inviteCheckBodySchema,
  inviteCheckResponseSchema,
  inviteLinkPath,
  updateUserBodySchema,
  userNameSchema,
  userResponseSchema,
  usersResponseSchema,
  type InvitationCreatedResponse,
  type InvitationsResponse,
  type InviteCheckResponse,
  type UserInfo,
  type UserResponse,
  type UsersResponse,
} from '../../../protocol/team';
import { HttpError } from '../http/errors';
import { tokenSecretHash } from './api-tokens';
import { accessOf, assertSameOrigin, startSession, type AdminContext, type Login } from './auth';
import { adminStore } from './objects';
import { declareRoute, errors, json, jsonBody, type AdminApp } from './openapi';
import { hashPassword, toBase64Url } from './password';
import { parseInput, readJson } from './request';
import { forgetTeamCache } from './team-access';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What POST /login and POST /invite/accept answer. */
export function sessionAnswer({ session, grant }: Login): SessionResponse {
  return {
    user: session.user,
    role: grant.role,
    permission: ROLE_PERMISSIONS[grant.role],
    csrfToken: session.csrfToken,
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

/** Whether the built-in admin can sign in: its password is set and Access-only is off. */
const builtInAdminSignsIn = (c: AdminContext): boolean => Boolean(c.env.WM_ADMIN_PASSWORD_HASH) && !accessOf(c.env)?.only;

const BUILT_IN_INFO: UserInfo = { name: BUILT_IN_ADMIN, role: 'admin', sites: null, signIn: 'password', builtIn: true, createdAt: null, createdBy: null };

/** The `:name` of /users/:name: the built-in admin is a 409 (it is never changed), a bad name a 400. */
function userParam(c: AdminContext): string {
  // Hono hands the parameter over decoded already (a second decode could throw on a lone %).
  const raw = (c.req.param('name') ?? '').trim().toLowerCase();
  if (raw === BUILT_IN_ADMIN) throw new HttpError(409, 'the built-in admin (the deployment’s password) is always an admin and cannot be changed or removed');
  return parseInput(userNameSchema, raw, 'user name', ['name']);
}

const userNameParams = z.object({ name: z.string().describe('The user’s name or email.') });
const invitationParams = z.object({ id: invitationIdSchema });

/** The routes an invitation link's page calls: public (the invitee holds only the link). */
export function declareInvitePublicRoutes(app: AdminApp): void {
  declareRoute(
    app,
    {
      method: 'post',
      path: '/invite/check',
      operationId: 'checkInvitation',
      summary: 'Read an invitation link',
      description: 'Who the link invites, as which role, until when; 404 once used or revoked, 410 once expired. Reads only: the link stays usable.',
      tags: ['Team'],
      request: { body: jsonBody(inviteCheckBodySchema) },
      responses: { 200: json(inviteCheckResponseSchema, 'The invitation.'), ...errors(400, 404, 410, 413, 415) },
    },
    async (c) => {
      assertSameOrigin(c);
      const { token } = parseInput(inviteCheckBodySchema, await readJson(c), 'invitation');
      const found = await adminStore(c.env).lookupInvitation(await tokenSecretHash(token));
      if (!found.ok) throw new HttpError(found.status, found.reason);
      const { name, role, expiresAt } = found.invitation;
      return c.json({ name, role, expiresAt } satisfies InviteCheckResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/invite/accept',
      operationId: 'acceptInvitation',
      summary: 'Accept an invitation: set a password and sign in',
      description: 'Uses the link up (single use), adds the user with the invitation’s name, role and sites, and starts their session like POST /login.',
      tags: ['Team'],
      request: { body: jsonBody(inviteAcceptBodySchema) },
      responses: { 200: json(sessionResponseSchema, 'Signed in as the new user.'), ...errors(400, 403, 404, 409, 410, 413, 415) },
    },
    async (c) => {
      assertSameOrigin(c);
      if (accessOf(c.env)?.only)
        throw new HttpError(403, 'password login is off (WM_ACCESS_ONLY=1): an admin adds you by your Cloudflare Access email instead');
      const { token, password } = parseInput(inviteAcceptBodySchema, await readJson(c), 'invitation');
      const tokenHash = await tokenSecretHash(token);
      const store = adminStore(c.env);
      // A dead link is refused before the (slow) password hash.
      const found = await store.lookupInvitation(tokenHash);
      if (!found.ok) throw new HttpError(found.status, found.reason);
      const accepted = await store.acceptInvitation(tokenHash, await hashPassword(password));
      if (!accepted.ok) throw new HttpError(accepted.status, accepted.reason);
      forgetTeamCache();
      return c.json(sessionAnswer(await startSession(c, { user: accepted.user.name, via: 'password', userId: accepted.user.id })));
    },
  );
}

export function declareTeamRoutes(app: AdminApp): void {
  declareRoute(
    app,
    {
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      summary: 'List the team',
      description: 'Every user with role, sites and how they sign in; the built-in admin first while its password can sign in.',
      tags: ['Team'],
      responses: { 200: json(usersResponseSchema, 'The team.'), ...errors(401, 403) },
    },
    async (c) => {
      const stored = await adminStore(c.env).listUsers();
      return c.json({ users: builtInAdminSignsIn(c) ? [BUILT_IN_INFO, ...stored] : stored } satisfies UsersResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/users',
      operationId: 'addUser',
      summary: 'Add a Cloudflare Access email with a role',
      description: 'A Cloudflare Access login with this email gets this role. People without Access are invited with POST /invitations instead.',
      tags: ['Team'],
      request: { body: jsonBody(addUserBodySchema) },
      responses: { 201: json(userResponseSchema, 'The user.'), ...errors(400, 401, 403, 409, 413, 415) },
    },
    async (c) => {
      const { email, role, sites = null } = parseInput(addUserBodySchema, await readJson(c), 'user');
      const added = await adminStore(c.env).addUser({ name: email, role, sites, signIn: 'access', passwordHash: null, createdBy: c.get('principal').actor });
      if (!added.ok) throw new HttpError(added.status, added.reason, { issues: [{ path: 'email', message: added.reason }] });
      forgetTeamCache();
      return c.json({ user: added.user } satisfies UserResponse, 201);
    },
  );

  declareRoute(
    app,
    {
      method: 'put',
      path: '/users/{name}',
      operationId: 'updateUser',
      summary: 'Change a user’s role or sites',
      description: 'Counts from the user’s next request. Nobody raises their own role; the last admin is not demoted (409).',
      tags: ['Team'],
      request: { params: userNameParams, body: jsonBody(updateUserBodySchema) },
      responses: { 200: json(userResponseSchema, 'The user as changed.'), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
    async (c) => {
      const name = userParam(c);
      const body = parseInput(updateUserBodySchema, await readJson(c), 'change');
      const principal = c.get('principal');
      const actor = principal.kind === 'session' ? principal.user : null;
      const changed = await adminStore(c.env).changeUser({ kind: 'update', name, ...body }, actor, builtInAdminSignsIn(c));
      forgetTeamCache();
      if (!changed.ok) throw new HttpError(changed.status, changed.reason);
      if (!changed.user) throw new HttpError(404, `no user "${name}"`);
      const user = changed.user;
      return c.json({ user } satisfies UserResponse);
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/users/{name}',
      operationId: 'removeUser',
      summary: 'Remove a user',
      description: 'Their sessions end on their next request. The last admin is not removed (409).',
      tags: ['Team'],
      request: { params: userNameParams },
      responses: { 204: { description: 'Removed.' }, ...errors(400, 401, 403, 404, 409) },
    },
    async (c) => {
      const name = userParam(c);
      const principal = c.get('principal');
      const removed = await adminStore(c.env).changeUser(
        { kind: 'remove', name },
        principal.kind === 'session' ? principal.user : null,
        builtInAdminSignsIn(c),
      );
      forgetTeamCache();
      if (!removed.ok) throw new HttpError(removed.status, removed.reason);
      return c.body(null, 204);
    },
  );

  declareRoute(
    app,
    {
      method: 'get',
      path: '/invitations',
      operationId: 'listInvitations',
      summary: 'List the pending invitations',
      tags: ['Team'],
      responses: { 200: json(invitationsResponseSchema, 'Invitations not yet accepted, revoked or expired.'), ...errors(401, 403) },
    },
    async (c) => c.json({ invitations: await adminStore(c.env).listInvitations() } satisfies InvitationsResponse),
  );

  declareRoute(
    app,
    {
      method: 'post',
      path: '/invitations',
      operationId: 'createInvitation',
      summary: 'Invite someone by a one-time link',
      description: `Answers the link once: only the SHA-256 of its token is stored. It expires after \`expiresInDays\` (default ${DEFAULT_INVITE_DAYS}).`,
      tags: ['Team'],
      request: { body: jsonBody(createInvitationBodySchema) },
      responses: { 201: json(invitationCreatedResponseSchema, 'The invitation and its link, shown this once.'), ...errors(400, 401, 403, 409, 413, 415) },
    },
    async (c) => {
      const { name, role, sites = null, expiresInDays = DEFAULT_INVITE_DAYS } = parseInput(createInvitationBodySchema, await readJson(c), 'invitation');
      const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
      const created = await adminStore(c.env).createInvitation({
        name,
        role,
        sites,
        expiresAt: Date.now() + expiresInDays * DAY_MS,
        createdBy: c.get('principal').actor,
        tokenHash: await tokenSecretHash(token),
      });
      if (!created.ok) throw new HttpError(409, created.reason, { issues: [{ path: 'name', message: created.reason }] });
      const link = new URL(inviteLinkPath(token), c.req.url).href;
      return c.json({ invitation: created.invitation, token, link } satisfies InvitationCreatedResponse, 201);
    },
  );

  declareRoute(
    app,
    {
      method: 'delete',
      path: '/invitations/{id}',
      operationId: 'revokeInvitation',
      summary: 'Revoke an invitation',
      description: 'Its link stops working at once (404).',
      tags: ['Team'],
      request: { params: invitationParams },
      responses: { 204: { description: 'Revoked.' }, ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const id = parseInput(invitationIdSchema, c.req.param('id'), 'invitation id', ['id']);
      if (!(await adminStore(c.env).revokeInvitation(id))) throw new HttpError(404, `no pending invitation "${id}"`);
      return c.body(null, 204);
    },
  );
}
