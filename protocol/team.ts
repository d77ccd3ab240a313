/**
 * The team (issue #12 point 4): users with roles, invitations, and the admin API's schemas for
 * both. A role is only a name for one permission level (protocol/api-tokens.ts ROLE_PERMISSIONS):
 * what a user may do is decided by that permission and ROUTE_RULES, never by the role itself.
 *
 * Users span sites (like API tokens): the AdminStore keeps them (edge/src/admin/users.ts), and
 * invitations (edge/src/admin/invitations.ts). The dashboard imports only types from here.
 */
import { z } from 'zod';
import { PERMISSIONS, ROLE_PERMISSIONS, type Permission } from './api-tokens';
import { siteIdSchema } from './wire';

export const ROLES = ['viewer', 'editor', 'publisher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The permission a role holds. */
export const permissionOf = (role: Role): Permission => ROLE_PERMISSIONS[role];

/** Whether `a` is a higher role than `b` (roles are ordered like their permissions). */
export const outranks = (a: Role, b: Role): boolean => PERMISSIONS.indexOf(permissionOf(a)) > PERMISSIONS.indexOf(permissionOf(b));

/**
 * The built-in admin: the one password of WM_ADMIN_PASSWORD_HASH (sign in with no name, or the
 * name `admin`). It is always an admin, never stored, never removed or demoted.
 */
export const BUILT_IN_ADMIN = 'admin';
export const MAX_USERS = 200;
export const MAX_INVITATIONS = 100;
export const MAX_USER_SITES = 50;
export const DEFAULT_INVITE_DAYS = 7;
export const MAX_INVITE_DAYS = 30;
export const MIN_PASSWORD_LENGTH = 10;

/** A user's name: a short handle or an email, kept lower case (Access emails arrive lower case). */
export const userNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'required')
  .max(254, 'at most 254 characters')
  .regex(/^[a-z0-9][a-z0-9._@+-]*$/, 'a name or an email: letters, digits and . _ @ + -, starting with a letter or digit')
  .refine((name) => name !== BUILT_IN_ADMIN, `"${BUILT_IN_ADMIN}" is the built-in admin`);

export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

const sitesSchema = z
  .array(siteIdSchema)
  .min(1, 'list at least one site, or send null for every site')
  .max(MAX_USER_SITES, `at most ${MAX_USER_SITES} sites`)
  .refine((sites) => new Set(sites).size === sites.length, 'a site is listed twice')
  .nullable();

export const newPasswordSchema = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(1_000, 'at most 1000 characters');

/** How a user signs in: a password (an accepted invitation), or Cloudflare Access with that email. */
export const SIGN_INS = ['password', 'access'] as const;
export type SignIn = (typeof SIGN_INS)[number];

/** A user as listed. Times are ISO 8601. */
export const userInfoSchema = z.strictObject({
  name: z.string(),
  role: roleSchema,
  /** The sites the user may reach, or null for every site. */
  sites: z.array(siteIdSchema).nullable(),
  signIn: z.enum(SIGN_INS),
  /** The built-in admin (WM_ADMIN_PASSWORD_HASH): listed, never changed. */
  builtIn: z.boolean(),
  createdAt: z.iso.datetime().nullable(),
  createdBy: z.string().nullable(),
});
export type UserInfo = z.infer<typeof userInfoSchema>;

/** GET /users. */
export const usersResponseSchema = z.strictObject({ users: z.array(userInfoSchema) });
export type UsersResponse = z.infer<typeof usersResponseSchema>;
export const userResponseSchema = z.strictObject({ user: userInfoSchema });
export type UserResponse = z.infer<typeof userResponseSchema>;

/** POST /users: a Cloudflare Access email and its role (local users come through invitations). */
export const addUserBodySchema = z.strictObject({
  email: z.email('must be an email (the one Cloudflare Access signs in)').max(254).toLowerCase(),
  role: roleSchema,
  sites: sitesSchema.optional(),
});
export type AddUserBody = z.input<typeof addUserBodySchema>;

/** PUT /users/:name: a new role and/or sites. */
export const updateUserBodySchema = z
  .strictObject({ role: roleSchema.optional(), sites: sitesSchema.optional() })
  .refine((b) => b.role !== undefined || b.sites !== undefined, 'send a role, sites, or both');
export type UpdateUserBody = z.input<typeof updateUserBodySchema>;

/** An invitation's public id (lists, revoke): not its secret. */
export const invitationIdSchema = z.string().regex(/^inv_[A-Za-z0-9_-]{16}$/, 'must be an invitation id (inv_ and 16 characters)');
/** The secret of an invitation link: 32 random bytes in base64url. */
export const inviteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token of an invitation link (43 characters)');

/** POST /invitations. */
export const createInvitationBodySchema = z.strictObject({
  name: userNameSchema,
  role: roleSchema,
  sites: sitesSchema.optional(),
  expiresInDays: z.number().int('a whole number of days').min(1, 'at least 1').max(MAX_INVITE_DAYS, `at most ${MAX_INVITE_DAYS}`).optional(),
});
export type CreateInvitationBody = z.input<typeof createInvitationBodySchema>;

export const invitationInfoSchema = z.strictObject({
  id: invitationIdSchema,
  name: z.string(),
  role: roleSchema,
  sites: z.array(siteIdSchema).nullable(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  expiresAt: z.iso.datetime(),
});
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;

/** GET /invitations: the pending ones (accepted, revoked and expired ones are gone). */
export const invitationsResponseSchema = z.strictObject({ invitations: z.array(invitationInfoSchema) });
export type InvitationsResponse = z.infer<typeof invitationsResponseSchema>;

/** POST /invitations (201): the link's token, in this response only (the store keeps its SHA-256). */
export const invitationCreatedResponseSchema = z.strictObject({ invitation: invitationInfoSchema, token: inviteTokenSchema, link: z.string() });
export type InvitationCreatedResponse = z.infer<typeof invitationCreatedResponseSchema>;

/** POST /invite/check: what the invitation page shows before the invitee picks a password. */
export const inviteCheckBodySchema = z.strictObject({ token: inviteTokenSchema });
export const inviteCheckResponseSchema = z.strictObject({ name: z.string(), role: roleSchema, expiresAt: z.iso.datetime() });
export type InviteCheckResponse = z.infer<typeof inviteCheckResponseSchema>;

/** POST /invite/accept: the invitee's password; answers a session like POST /login. */
export const inviteAcceptBodySchema = z.strictObject({ token: inviteTokenSchema, password: newPasswordSchema });
export type InviteAcceptBody = z.infer<typeof inviteAcceptBodySchema>;

/** The dashboard's invitation page for a token (the dashboard is served at /_wm/dashboard/). */
export const inviteLinkPath = (token: string): string => `/_wm/dashboard/#/invite/${token}`;
