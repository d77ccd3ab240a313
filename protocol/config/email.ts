/**
 * E-mail for journeys (docs/email.md): templates with merge fields, the sender, the provider that
 * sends (Cloudflare's `send_email` binding or Resend's HTTP API), a per-profile frequency cap and
 * where the profile keeps the address and the e-mail consent. Part of the site config (config/site.ts),
 * optional: a site without `email` sends none. The provider's API token is NOT in the config: it is
 * write-only, kept by the site's SiteAdmin (PUT …/email/provider-token). Pure: no Worker globals.
 */
import { z } from 'zod';
import { slugSchema } from './personalization';

/** A plain addr-spec (no display name, no comments, no CR/LF): what an SMTP envelope and a To: header accept. */
export const EMAIL_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const MAX_ADDRESS_LENGTH = 254;
export const isEmailAddress = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_ADDRESS_LENGTH && EMAIL_ADDRESS.test(value);
export const emailAddressSchema = z
  .string()
  .max(MAX_ADDRESS_LENGTH, `longer than ${MAX_ADDRESS_LENGTH} characters`)
  .regex(EMAIL_ADDRESS, 'must be an e-mail address like news@shop.example.com');

export const MAX_SUBJECT = 200;
export const MAX_HTML = 100_000;
export const MAX_TEXT = 50_000;

export const emailTemplateSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1).max(200),
  /** Merge fields allowed ({{ traits.first_name | default: "there" }}); CR/LF are removed when rendered. */
  subject: z.string().min(1, 'empty').max(MAX_SUBJECT, `longer than ${MAX_SUBJECT} characters`),
  /** Sanitized like every marketer HTML (protocol/content/sanitize.ts); merge values are HTML-escaped. */
  html: z.string().max(MAX_HTML, `longer than ${MAX_HTML} characters`),
  text: z.string().min(1, 'a text part is required (many clients and filters want one)').max(MAX_TEXT, `longer than ${MAX_TEXT} characters`),
});
export type EmailTemplate = z.output<typeof emailTemplateSchema>;

export const senderSchema = z.strictObject({
  /** Display name: printable, no quotes or angle brackets (it goes into a From: header). */
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^\r\n"<>\\]+$/, 'no quotes, angle brackets, backslashes or line breaks'),
  address: emailAddressSchema,
});

export const EMAIL_PROVIDERS = ['cloudflare', 'resend'] as const;
export type EmailProviderKind = (typeof EMAIL_PROVIDERS)[number];

/** Where the profile keeps a value: a trait (identify) or a zero-party pref (wm('prefs', …)). */
export const profileFieldSchema = z.strictObject({
  source: z.enum(['trait', 'pref']),
  key: z.string().min(1).max(100),
});
export type ProfileField = z.output<typeof profileFieldSchema>;

export const frequencyCapSchema = z.strictObject({
  /** At most this many e-mails to one profile … */
  max: z.number().int().min(1).max(100),
  /** … per this many days (rolling). */
  days: z.number().int().min(1).max(365),
});
export type FrequencyCap = z.output<typeof frequencyCapSchema>;

export const DEFAULT_FREQUENCY_CAP: FrequencyCap = { max: 3, days: 7 };
export const DEFAULT_ADDRESS_FIELD: ProfileField = { source: 'trait', key: 'email' };
export const DEFAULT_CONSENT_FIELD: ProfileField = { source: 'pref', key: 'email_consent' };

export const emailSettingsSchema = z
  .strictObject({
    templates: z.array(emailTemplateSchema).max(100, 'at most 100 templates').default([]),
    /** Required before any e-mail is sent (a step without it is skipped as "no-sender"). */
    sender: senderSchema.optional(),
    provider: z.enum(EMAIL_PROVIDERS).default('cloudflare'),
    frequencyCap: frequencyCapSchema.default({ ...DEFAULT_FREQUENCY_CAP }),
    addressField: profileFieldSchema.default({ ...DEFAULT_ADDRESS_FIELD }),
    /** E-mail consent: this field must be exactly `true` (boolean) or the string "true". */
    consentField: profileFieldSchema.default({ ...DEFAULT_CONSENT_FIELD }),
    /**
     * Where the unsubscribe link points: an origin that routes /_wm/* to this worker. Left out:
     * the site's first origin.
     */
    unsubscribeOrigin: z
      .string()
      .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be an origin like https://shop.example.com')
      .optional(),
  })
  .superRefine((settings, ctx) => {
    const ids = new Set<string>();
    settings.templates.forEach((t, i) => {
      if (ids.has(t.id)) ctx.addIssue({ code: 'custom', path: ['templates', i, 'id'], message: `duplicate template id "${t.id}"` });
      ids.add(t.id);
    });
  });
export type EmailSettings = z.output<typeof emailSettingsSchema>;
export type EmailSettingsInput = z.input<typeof emailSettingsSchema>;

/** Why an e-mail step did not send (the journey moves on either way). */
export const EMAIL_SKIP_REASONS = ['no-email', 'no-consent', 'suppressed', 'capped', 'no-sender', 'no-template'] as const;
export type EmailSkipReason = (typeof EMAIL_SKIP_REASONS)[number];
