/**
 * The admin API (/_wm/admin/api): its request schemas and response types, shared by the edge's
 * admin routes (edge/src/admin/) and the dashboard. The edge validates with the schemas; the
 * dashboard imports only types (`import type`), so zod never reaches its bundle
 * (dashboard/src/imports.test.ts checks that).
 */
import { z } from 'zod';
import type { ProfileExport } from './wire';
import { siteConfigSchema, type SiteConfig } from './config/site';
import { PERMISSIONS } from './api-tokens';
import { ROLES } from './team';
import { webhookSchema } from './config/webhooks';
import { segmentSchema, slotSchema } from './config/personalization';
import { messageSchema } from './config/messages';
import { journeySchema } from './config/journeys';

/** The site config arrays the item routes (/sites/:site/:collection/:id) edit. */
export const COLLECTIONS = ['segments', 'slots', 'messages', 'journeys', 'webhooks'] as const;
export type Collection = (typeof COLLECTIONS)[number];
/** The collections a draft holds (drafts.md): webhooks are publish-only and written directly. */
export const DRAFT_COLLECTIONS = ['segments', 'slots', 'messages', 'journeys'] as const;
export type DraftCollection = (typeof DRAFT_COLLECTIONS)[number];

// ---- requests ----------------------------------------------------------------------------------

/**
 * POST /login with a password. `name` omitted, empty or `admin`: the built-in admin (the
 * deployment's WM_ADMIN_PASSWORD_HASH); otherwise a team user's name or email (protocol/team.ts).
 */
export const loginBodySchema = z.strictObject({
  name: z.string().trim().toLowerCase().max(254, 'at most 254 characters').optional(),
  password: z.string().min(1, 'empty').max(1_000),
});
/** POST /login where Cloudflare Access is configured: no password means "sign me in with my Access token". */
export const accessLoginBodySchema = z.strictObject({ name: loginBodySchema.shape.name, password: loginBodySchema.shape.password.optional() });
export type LoginBody = z.infer<typeof accessLoginBodySchema>;

/** The :visitorId of GET /sites/:site/profiles/:visitorId: a visitor token's id part (128 bits, base64url, 22 characters). */
export const visitorIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a visitor id (22 characters: letters, digits, - and _)');

/**
 * PUT /sites/:site/:collection/:id: the item's fields plus the version the form was loaded at
 * (0 to create); DELETE takes the version as `?version=`.
 */
export type ItemWriteBody = Record<string, unknown> & { baseVersion: number };
/** The version a write is based on, as `?version=` (instead of the body's `baseVersion`/`version`). */
export const versionQuerySchema = z.object({
  version: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional()
    .describe('The site version the edit is based on (0 to create); instead of the body’s `baseVersion`.'),
});
/** `?limit=` of the audit and delivery logs (default 100). */
export const logLimitQuerySchema = z.object({ limit: z.coerce.number().int().positive().optional().describe('How many entries, newest first (default 100).') });

// ---- responses ---------------------------------------------------------------------------------
// Zod schemas so the admin API's OpenAPI document (edge/src/admin/openapi.ts) describes what the
// routes really answer, and edge/test/openapi.test.ts checks every answer against them. The TS
// types are `z.infer` of them (the dashboard imports the types only).

/** One reason a request was refused, at a dotted path into the body (or `(root)`). */
export const issueSchema = z.object({ path: z.string(), message: z.string() });
export type Issue = z.infer<typeof issueSchema>;

/** Every refusal: `issues` for a 400, `currentVersion` (the site moved on) or `usedBy` for a 409. */
export const adminErrorBodySchema = z.object({
  error: z.string(),
  issues: z.array(issueSchema).optional(),
  currentVersion: z.number().int().optional(),
  usedBy: z.array(z.string()).optional(),
  /** The site already serving a proxy hostname (409). */
  claimedBy: z.string().optional(),
  /** Drafted items whose live value changed since the draft copied them (409 on publish). */
  conflicts: z.array(z.string()).optional(),
});
export type AdminErrorBody = z.infer<typeof adminErrorBodySchema>;

/**
 * POST /login and GET /session: who is signed in, their role and the permission it holds (the
 * dashboard hides what the permission does not allow; the API refuses it anyway).
 */
export const sessionResponseSchema = z.object({
  user: z.string(),
  role: z.enum(ROLES),
  permission: z.enum(PERMISSIONS),
  csrfToken: z.string(),
  expiresAt: z.iso.datetime(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;
/** GET /login: what the login screen may offer. */
export const loginOptionsSchema = z.object({
  password: z.boolean(),
  access: z.object({ email: z.string().nullable(), reason: z.string().nullable() }).nullable(),
});
export type LoginOptions = z.infer<typeof loginOptionsSchema>;

export const siteSummarySchema = z.object({ id: z.string(), name: z.string(), version: z.number().int().nonnegative() });
export type SiteSummary = z.infer<typeof siteSummarySchema>;
export const sitesResponseSchema = z.object({ sites: z.array(siteSummarySchema) });
export type SitesResponse = z.infer<typeof sitesResponseSchema>;

/** A webhook as the admin API shows it: its secret (and a rotation's old secret) never leave the edge. */
export const redactedWebhookSchema = webhookSchema.omit({ secret: true, rotation: true }).extend({
  secretSet: z.literal(true),
  /** "legacy": a secret from before Standard Webhooks; the dashboard suggests rotating it. */
  secretKind: z.enum(['whsec', 'legacy']),
  /** During a rotation, when the old secret stops signing. */
  previousSecretExpiresAt: z.iso.datetime().optional(),
});
/** The site config as the admin API answers it: webhook secrets redacted. */
export const redactedSiteConfigSchema = z.strictObject({ ...siteConfigSchema.shape, webhooks: z.array(redactedWebhookSchema) });

/** GET /sites/:site and every write: the config (webhook secrets redacted) and its version. */
export const siteResponseSchema = z.object({ site: redactedSiteConfigSchema, version: z.number().int().nonnegative() });
/** `Config` lets a client read `site` as a looser shape (the dashboard keeps unknown fields). */
export type SiteResponse<Config = SiteConfig> = Omit<z.infer<typeof siteResponseSchema>, 'site'> & { site: Config };
/**
 * A webhook secret the edge generated (PUT of a new webhook without one, or the rotate route):
 * shown in this one response, never again. `previousSecretExpiresAt`: during a rotation, when
 * the old secret stops signing (null when there is no overlap).
 */
export const issuedSecretSchema = z.object({ webhook: z.string(), secret: z.string(), previousSecretExpiresAt: z.iso.datetime().nullable() });
export type IssuedSecret = z.infer<typeof issuedSecretSchema>;
/** A write that issued a webhook secret. */
export const secretIssuedResponseSchema = siteResponseSchema.extend({ issuedSecret: issuedSecretSchema });
export type SecretIssuedResponse<Config = SiteConfig> = SiteResponse<Config> & { issuedSecret: IssuedSecret };
/** POST /sites/:site/webhooks/:id/rotate-secret: the version edited, and how long the old secret keeps signing (0 to 168 hours, default 24). */
/** The longest a rotated-out webhook secret keeps signing (edge/src/webhooks/secret.ts). */
export const MAX_ROTATION_OVERLAP_HOURS = 168;
const OVERLAP_HOURS = { error: `must be a whole number of hours from 0 to ${MAX_ROTATION_OVERLAP_HOURS}` };
export const rotateSecretBodySchema = z.object({
  baseVersion: z.number().int().nonnegative(),
  overlapHours: z.number(OVERLAP_HOURS).int(OVERLAP_HOURS).min(0, OVERLAP_HOURS).max(MAX_ROTATION_OVERLAP_HOURS, OVERLAP_HOURS).optional(),
});
export type RotateSecretBody = z.infer<typeof rotateSecretBodySchema>;

/** GET /sites/:site/:collection/:id: one item (a webhook redacted like above). */
export const itemResponseSchema = z.object({
  item: z.union([segmentSchema, slotSchema, messageSchema, journeySchema, redactedWebhookSchema]),
  version: z.number().int().nonnegative(),
});
/**
 * PUT /sites/:site/:collection/:id: the item's fields (the collection's item schema; `id` may be left
 * out, it is the URL's) and the version edited (or `?version=`).
 */
export const itemWriteBodySchema = z.intersection(
  z.union([segmentSchema, slotSchema, messageSchema, journeySchema, webhookSchema.partial({ secret: true })]),
  z.object({ baseVersion: z.number().int().nonnegative().optional() }),
);
/** An item write's answer: the site, and `issuedSecret` when a new webhook got an edge-generated secret. */
export const itemWriteResponseSchema = siteResponseSchema.extend({ issuedSecret: issuedSecretSchema.optional() });
export type ItemResponse<Item = SiteConfig[Collection][number]> = Omit<z.infer<typeof itemResponseSchema>, 'item'> & { item: Item };

/**
 * create/update/delete: a live item or site write. publish/revert: a new version from the draft or
 * an old version. submit/approve/reject/schedule/unschedule/discard: what happened to the draft
 * (its row's versions are the live version then). share/unshare: a QA link made or revoked
 * (docs/preview-and-qa.md).
 */
export const auditActionSchema = z.enum([
  'create',
  'update',
  'delete',
  'publish',
  'revert',
  'submit',
  'approve',
  'reject',
  'schedule',
  'unschedule',
  'discard',
  'share',
  'unshare',
]);
export type AuditAction = z.infer<typeof auditActionSchema>;
export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.iso.datetime(),
  who: z.string(),
  action: auditActionSchema,
  /** The resource, e.g. `sites/shop/segments/vip`. */
  path: z.string(),
  beforeVersion: z.number().int(),
  afterVersion: z.number().int(),
  /** Top-level config fields whose value changed. */
  changed: z.array(z.string()),
  summary: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema) });
export type AuditResponse = z.infer<typeof auditResponseSchema>;

export const deliveryOutcomeSchema = z.enum(['delivered', 'retry', 'dead']);
export type DeliveryOutcome = z.infer<typeof deliveryOutcomeSchema>;
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
export const deliveryLogEntrySchema = z.object({
  seq: z.number().int(),
  webhook: z.string(),
  delivery: z.string(),
  visitor: z.string(),
  journey: z.string(),
  step: z.string(),
  attempt: z.number().int(),
  at: z.iso.datetime(),
  outcome: deliveryOutcomeSchema,
  statusCode: z.number().int().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  nextAt: z.iso.datetime().nullable(),
});
export type DeliveryLogEntry = z.infer<typeof deliveryLogEntrySchema>;
export const deliveriesResponseSchema = z.object({ deliveries: z.array(deliveryLogEntrySchema) });
export type DeliveriesResponse = z.infer<typeof deliveriesResponseSchema>;

/** GET /sites/:site/identify-key: the key the site's server signs user ids with (edge/src/identity/signed.ts). */
export const identifyKeyResponseSchema = z.object({ site: z.string(), key: z.string(), required: z.boolean() });
export type IdentifyKeyResponse = z.infer<typeof identifyKeyResponseSchema>;

/**
 * A visitor's profile export (`ProfileExport` in ./wire, the same the visitor gets from GET /_wm/me):
 * its identifying fields checked, the rest (traits, prefs, consent, segments, messages, journeys,
 * events) described as open objects.
 */
export const profileExportSchema = z.looseObject({
  site: z.string(),
  visitorId: z.string(),
  firstSeen: z.number().nullable(),
  lastSeen: z.number().nullable(),
  userId: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  prefs: z.record(z.string(), z.unknown()),
  consent: z.looseObject({ updatedAt: z.number() }).nullable(),
  segments: z.array(z.object({ id: z.string(), enteredAt: z.number() })),
  messages: z.array(z.object({ id: z.string(), variant: z.string(), exposedAt: z.number(), convertedAt: z.number().nullable() })),
  eventCount: z.number().int(),
  events: z.array(z.looseObject({})),
});
export const profileResponseSchema = z.object({ profile: profileExportSchema });
export type ProfileResponse = { profile: ProfileExport };

// ---- drafts and versions (docs/drafts-and-versions.md) ------------------------------------------

const fieldChangeSchema = z.object({ path: z.string(), label: z.string(), before: z.string().nullable(), after: z.string().nullable() });
/** protocol/version-diff.ts ConfigDiff. */
export const configDiffSchema = z.object({
  settings: z.array(fieldChangeSchema),
  items: z.array(
    z.object({
      collection: z.enum(COLLECTIONS),
      id: z.string(),
      name: z.string(),
      change: z.enum(['added', 'removed', 'changed']),
      fields: z.array(fieldChangeSchema),
    }),
  ),
  summary: z.string(),
});

export const draftStatusSchema = z.enum(['none', 'editing', 'submitted']);
export type DraftStatus = z.infer<typeof draftStatusSchema>;

/** GET /sites/:site/draft and every draft write's answer. */
export const draftResponseSchema = z.object({
  /** The effective draft (live + changes), webhook secrets redacted; live itself when there is no draft. */
  site: redactedSiteConfigSchema,
  /** The live version the draft applies to. */
  version: z.number().int().nonnegative(),
  status: draftStatusSchema,
  changes: z.array(
    z.object({
      collection: z.enum(DRAFT_COLLECTIONS),
      id: z.string(),
      change: z.enum(['added', 'removed', 'changed']),
      by: z.string(),
      at: z.iso.datetime(),
    }),
  ),
  /** Readable diff of the effective draft against live. */
  diff: configDiffSchema,
  /** Drafted items whose live value changed since: publishing refuses until they are edited again. */
  conflicts: z.array(z.string()),
  /** Who last changed the draft (its author), who submitted it for review, and when. */
  author: z.string().nullable(),
  submitted: z.object({ by: z.string(), at: z.iso.datetime() }).nullable(),
  schedule: z.object({ at: z.iso.datetime(), by: z.string() }).nullable(),
  requireApproval: z.boolean(),
  /** What the caller may do with it (from their permission and the site's requireApproval). */
  you: z.object({ mayPublish: z.boolean(), mayApprove: z.boolean() }),
});
export type DraftResponse<Config = SiteConfig> = Omit<z.infer<typeof draftResponseSchema>, 'site'> & { site: Config };

/** PUT /sites/:site/draft/:collection/:id: the item's fields (`baseVersion` is accepted and ignored: the draft is shared). */
export const draftItemBodySchema = z.intersection(
  z.union([segmentSchema, slotSchema, messageSchema, journeySchema]),
  z.object({ baseVersion: z.number().int().nonnegative().optional() }),
);
/** PUT /sites/:site/draft/schedule. */
export const draftScheduleBodySchema = z.strictObject({ at: z.iso.datetime({ offset: true }).describe('When to publish (ISO 8601, in the future).') });
/** POST /sites/:site/draft/reject: why, for the author (optional). */
export const draftRejectBodySchema = z.strictObject({ reason: z.string().max(500).optional() });

export const versionSummarySchema = z.object({
  version: z.number().int().nonnegative(),
  at: z.iso.datetime(),
  /** Who wrote it (from the audit log; several when a publish carried several authors' changes). */
  actor: z.string(),
  summary: z.string(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;
export const versionsResponseSchema = z.object({ versions: z.array(versionSummarySchema) });
export type VersionsResponse = z.infer<typeof versionsResponseSchema>;
/** GET /sites/:site/versions/:version: the config then, and its diff against the version before it. */
export const versionResponseSchema = versionSummarySchema.extend({
  config: redactedSiteConfigSchema,
  previousVersion: z.number().int().nullable(),
  diff: configDiffSchema,
});
export type VersionResponse<Config = SiteConfig> = Omit<z.infer<typeof versionResponseSchema>, 'config'> & { config: Config };
/** POST /sites/:site/draft/publish, /approve and /versions/:version/revert: the new live site and version. */
export const publishResponseSchema = z.object({ site: redactedSiteConfigSchema, version: z.number().int().nonnegative() });
