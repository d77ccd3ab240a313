/**
 * The admin API (/_wm/admin/api): its request schemas and response types, shared by the edge's
 * admin routes (edge/src/admin/) and the dashboard. The edge validates with the schemas; the
 * dashboard imports only types (`import type`), so zod never reaches its bundle
 * (dashboard/src/imports.test.ts checks that).
 */
import { z } from 'zod';
import type { ProfileExport } from './wire';
import type { SiteConfig } from './config/site';

/** The site config arrays the item routes (/sites/:site/:collection/:id) edit. */
export const COLLECTIONS = ['segments', 'slots', 'messages', 'journeys', 'webhooks'] as const;
export type Collection = (typeof COLLECTIONS)[number];

// ---- requests ----------------------------------------------------------------------------------

/** POST /login with a password. */
export const loginBodySchema = z.strictObject({ password: z.string().min(1, 'empty').max(1_000) });
/** POST /login where Cloudflare Access is configured: no password means "sign me in with my Access token". */
export const accessLoginBodySchema = z.strictObject({ password: loginBodySchema.shape.password.optional() });
export type LoginBody = z.infer<typeof accessLoginBodySchema>;

/** The :visitorId of GET /sites/:site/profiles/:visitorId: a visitor token's id part (128 bits, base64url, 22 characters). */
export const visitorIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a visitor id (22 characters: letters, digits, - and _)');

/**
 * PUT /sites/:site/:collection/:id: the item's fields plus the version the form was loaded at
 * (0 to create); DELETE takes the version as `?version=`.
 */
export type ItemWriteBody = Record<string, unknown> & { baseVersion: number };

// ---- responses ---------------------------------------------------------------------------------

/** One reason a request was refused, at a dotted path into the body (or `(root)`). */
export type Issue = { path: string; message: string };

/** Every refusal: `issues` for a 400, `currentVersion` (the site moved on) or `usedBy` for a 409. */
export type AdminErrorBody = {
  error: string;
  issues?: Issue[];
  currentVersion?: number;
  usedBy?: string[];
  /** The site already serving a proxy hostname (409). */
  claimedBy?: string;
};

/** POST /login and GET /session. */
export type SessionResponse = { user: string; csrfToken: string; expiresAt: string };
/** GET /login: what the login screen may offer. */
export type LoginOptions = { password: boolean; access: null | { email: string | null; reason: string | null } };

export type SiteSummary = { id: string; name: string; version: number };
export type SitesResponse = { sites: SiteSummary[] };
/**
 * GET /sites/:site and every write: the config (webhook secrets redacted) and its version.
 * `Config` lets a client read it as a looser shape (the dashboard keeps unknown fields).
 */
export type SiteResponse<Config = SiteConfig> = { site: Config; version: number };
/**
 * A webhook secret the edge generated (PUT of a new webhook without one, or the rotate route):
 * shown in this one response, never again. `previousSecretExpiresAt`: during a rotation, when
 * the old secret stops signing (null when there is no overlap).
 */
export type IssuedSecret = { webhook: string; secret: string; previousSecretExpiresAt: string | null };
/** A write that issued a webhook secret. */
export type SecretIssuedResponse<Config = SiteConfig> = SiteResponse<Config> & { issuedSecret: IssuedSecret };
/** POST /sites/:site/webhooks/:id/rotate-secret: the version edited, and how long the old secret keeps signing (0 to 168 hours, default 24). */
export type RotateSecretBody = { baseVersion: number; overlapHours?: number };
export type ItemResponse<Item = SiteConfig[Collection][number]> = { item: Item; version: number };

export type AuditAction = 'create' | 'update' | 'delete';
export type AuditEntry = {
  seq: number;
  at: string;
  who: string;
  action: AuditAction;
  /** The resource, e.g. `sites/shop/segments/vip`. */
  path: string;
  beforeVersion: number;
  afterVersion: number;
  /** Top-level config fields whose value changed. */
  changed: string[];
  summary: string;
};
export type AuditResponse = { entries: AuditEntry[] };

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead';
/**
 * One attempt of a webhook delivery, with its times as `Time`: epoch milliseconds where a visitor
 * profile reports it to the AdminStore, ISO strings where the admin API returns it.
 */
export type DeliveryRecord<Time> = {
  webhook: string;
  /** The delivery (one queued call); its attempts share it. */
  delivery: string;
  visitor: string;
  journey: string;
  step: string;
  attempt: number;
  at: Time;
  outcome: DeliveryOutcome;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** When the next attempt is due (outcome `retry`). */
  nextAt: Time | null;
};
/** As the admin API returns the log, newest first. */
export type DeliveryLogEntry = DeliveryRecord<string> & { seq: number };
export type DeliveriesResponse = { deliveries: DeliveryLogEntry[] };

/** GET /sites/:site/identify-key: the key the site's server signs user ids with (edge/src/identity/signed.ts). */
export type IdentifyKeyResponse = { site: string; key: string; required: boolean };

export type ProfileResponse = { profile: ProfileExport };
