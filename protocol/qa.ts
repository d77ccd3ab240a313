/**
 * Preview and QA links (docs/preview-and-qa.md): what a link forces, and the admin API's bodies.
 * A QA link is a signed token (`wq_<id>.<expiry>.<sig>`, edge/src/qa/token.ts) whose record (what
 * it forces, whether it shows the draft, whether it was revoked) lives in the site's SiteAdmin
 * object, so a revocation holds from the next request on.
 */
import { z } from 'zod';
import { slugSchema } from './config/personalization';

/** The URL parameter that opens a QA session; `wm_qa=exit` ends it. */
export const QA_PARAM = 'wm_qa';
/** Proxy mode: the session cookie the edge sets when a page is opened with a valid `wm_qa`. */
export const QA_COOKIE = 'wm_qa';
/** Every token starts so: it tells a QA token from a visitor token (`<id>.<sig>`) at a glance. */
export const QA_TOKEN_PREFIX = 'wq_';
export const QA_TOKEN_PATTERN = /^wq_[A-Za-z0-9_-]{22}\.[0-9a-z]{1,11}\.[A-Za-z0-9_-]{22}$/;

export const MAX_QA_DAYS = 30;
export const DEFAULT_QA_DAYS = 7;
/** A dashboard "Preview as" token: not listed, gone within the hour. */
export const PREVIEW_MINUTES = 60;
/** Links kept per site (revoked and expired ones included, until they are pruned). */
export const MAX_QA_LINKS = 200;

const visitorId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a visitor id (22 characters: letters, digits, - and _)');

/** What a QA session shows, whatever the visitor's own profile says. */
export const qaForceSchema = z.discriminatedUnion('kind', [
  /** Membership of this one segment: its slot variants and its messages. */
  z.strictObject({ kind: z.literal('segment'), segment: slugSchema }),
  /** The segments a stored profile is in now (read, never written). */
  z.strictObject({ kind: z.literal('profile'), visitorId }),
  /** This message with this variant, shown on load, on every page. */
  z.strictObject({ kind: z.literal('message'), message: slugSchema, variant: slugSchema }),
  /** This slot filled with its variant for this segment; the other slots keep their defaults. */
  z.strictObject({ kind: z.literal('slot'), slot: slugSchema, variant: slugSchema }),
]);
export type QaForce = z.infer<typeof qaForceSchema>;

export const qaLinkIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a QA link id (22 characters)');

export const createQaLinkBodySchema = z.strictObject({
  label: z.string().trim().min(1).max(100).optional(),
  force: qaForceSchema,
  /** Show the unpublished draft (KV `draft:<site>`), or the live config when there is none. */
  draft: z.boolean().default(false),
  expiresInDays: z.number().int().min(1).max(MAX_QA_DAYS).default(DEFAULT_QA_DAYS),
});
export type CreateQaLinkBody = z.input<typeof createQaLinkBodySchema>;

export const previewBodySchema = z.strictObject({ force: qaForceSchema, draft: z.boolean().default(false) });
export type PreviewBody = z.input<typeof previewBodySchema>;

export const qaLinkSchema = z.object({
  id: qaLinkIdSchema,
  label: z.string(),
  force: qaForceSchema,
  draft: z.boolean(),
  createdAt: z.number().int(),
  createdBy: z.string(),
  expiresAt: z.number().int(),
  revokedAt: z.number().int().nullable(),
  /** The signed token to put in `?wm_qa=`: the link's whole secret. */
  token: z.string(),
});
export type QaLink = z.infer<typeof qaLinkSchema>;

export const qaLinksResponseSchema = z.object({ links: z.array(qaLinkSchema) });
export type QaLinksResponse = z.infer<typeof qaLinksResponseSchema>;
export const qaLinkResponseSchema = z.object({ link: qaLinkSchema });
export type QaLinkResponse = z.infer<typeof qaLinkResponseSchema>;
export const previewResponseSchema = z.object({ token: z.string(), expiresAt: z.number().int(), describe: z.string() });
export type PreviewResponse = z.infer<typeof previewResponseSchema>;

/** The badge's words: "Waymark preview: <this>". Plain text (wm-ui.js sets it with textContent). */
export function describeForce(force: QaForce, draft: boolean): string {
  const what =
    force.kind === 'segment'
      ? `segment ${force.segment}`
      : force.kind === 'profile'
        ? `profile ${force.visitorId.slice(0, 8)}...`
        : force.kind === 'message'
          ? `message ${force.message}, variant ${force.variant}`
          : `slot ${force.slot}, variant for ${force.variant}`;
  return draft ? `${what} (draft)` : what;
}

/** Added to a decide answer during a QA session: wm-ui.js shows the badge. */
export type QaAnswer = { describe: string };
