/**
 * The admin API of e-mail (edge/src/email/admin-routes.ts, docs/email.md): requests and answers as
 * zod schemas (the OpenAPI document and edge/test/openapi.test.ts check the routes against them;
 * the dashboard imports the types). Pure.
 */
import { z } from 'zod';
import { slugSchema } from './config/personalization';
import { emailAddressSchema, emailTemplateSchema, EMAIL_PROVIDERS, EMAIL_SKIP_REASONS } from './config/email';

/** What happened to one e-mail (one row per attempt or decision). `bounced`: the provider refused the recipient or message. */
export const EMAIL_STATUSES = ['sent', 'skipped', 'retrying', 'failed', 'bounced'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const emailLogEntrySchema = z.object({
  at: z.iso.datetime(),
  delivery: z.string(),
  journey: z.string(),
  step: z.string(),
  template: z.string(),
  /** Masked: first character and the domain (j***@example.com); `test` sends show the address typed. */
  recipient: z.string(),
  status: z.enum(EMAIL_STATUSES),
  /** For `skipped`: one of EMAIL_SKIP_REASONS; otherwise the provider's answer or error, or null. */
  reason: z.string().nullable(),
  provider: z.string(),
  providerMessageId: z.string().nullable(),
  attempt: z.number().int().nonnegative(),
});
export type EmailLogEntry = z.infer<typeof emailLogEntrySchema>;
export const emailLogResponseSchema = z.object({ deliveries: z.array(emailLogEntrySchema) });
export type EmailLogResponse = z.infer<typeof emailLogResponseSchema>;

export const emailSkipReasonSchema = z.enum(EMAIL_SKIP_REASONS);

/** POST …/email/preview: a stored template (or a draft of one) for a visitor id or a user id. */
export const emailPreviewBodySchema = z
  .strictObject({
    /** The id of a template in the live config … */
    template: slugSchema.optional(),
    /** … or the template being edited (not saved yet). */
    draft: emailTemplateSchema.optional(),
    visitorId: z.string().min(1).max(200).optional(),
    userId: z.string().min(1).max(200).optional(),
  })
  .refine((b) => (b.template === undefined) !== (b.draft === undefined), { message: 'give exactly one of template or draft', path: ['template'] })
  .refine((b) => !(b.visitorId && b.userId), { message: 'give a visitor id or a user id, not both', path: ['userId'] });
export type EmailPreviewBody = z.input<typeof emailPreviewBodySchema>;

export const emailPreviewResponseSchema = z.object({
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  /** Whether the chosen profile would get it now, and if not why (null: no profile chosen). */
  wouldSend: z.object({ ok: z.boolean(), reason: emailSkipReasonSchema.nullable(), detail: z.string().nullable() }).nullable(),
  /** Merge fields the template uses and whether the profile has each. */
  fields: z.array(z.object({ path: z.string(), present: z.boolean() })),
});
export type EmailPreviewResponse = z.infer<typeof emailPreviewResponseSchema>;

/** POST …/email/test: sends a template (rendered for no profile, so defaults show) to one address now. */
export const emailTestBodySchema = z.strictObject({ template: slugSchema, to: emailAddressSchema });
export const emailTestResponseSchema = z.object({ status: z.enum(EMAIL_STATUSES), reason: z.string().nullable(), providerMessageId: z.string().nullable() });
export type EmailTestResponse = z.infer<typeof emailTestResponseSchema>;

export const suppressionSchema = z.object({ address: z.string(), reason: z.string(), at: z.iso.datetime() });
export type Suppression = z.infer<typeof suppressionSchema>;
export const suppressionsResponseSchema = z.object({ suppressions: z.array(suppressionSchema) });
export type SuppressionsResponse = z.infer<typeof suppressionsResponseSchema>;
export const suppressionBodySchema = z.strictObject({ address: emailAddressSchema, reason: z.string().max(200).optional() });
export const suppressionParamsSchema = z.object({ address: emailAddressSchema });

/** The provider's API token: write-only. GET shows whether it is set and its last 4 characters. */
export const providerTokenBodySchema = z.strictObject({
  token: z
    .string()
    .min(8, 'too short for an API token')
    .max(500)
    .regex(/^[\x21-\x7e]+$/, 'printable characters only'),
});
export const providerStatusSchema = z.object({
  provider: z.enum(EMAIL_PROVIDERS),
  tokenSet: z.boolean(),
  tokenLast4: z.string().nullable(),
  /** The Cloudflare binding is present on this worker (wrangler.toml [[send_email]]). */
  bindingPresent: z.boolean(),
  /** The local demo delivers every e-mail to /_wm/demo/mailbox instead (WM_DEMO). */
  demoMailbox: z.boolean(),
});
export type ProviderStatus = z.infer<typeof providerStatusSchema>;
