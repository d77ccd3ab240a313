/**
 * Webhook endpoints a site's journeys call: Slack-compatible, generic JSON or CRM-style payloads,
 * signed with the endpoint's own HMAC secret. Part of the site config (stored in KV, where the
 * visitor profiles read it); the admin API never returns the secret (webhooks/secret.ts).
 */
import { z } from 'zod';
import { slugSchema } from './personalization';

export const WEBHOOK_FORMATS = ['slack', 'json', 'crm'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * https anywhere; plain http only to this machine (127.0.0.1 or localhost), which is delivered
 * only when WM_DEMO is set (local testing against a sink), see deliver.ts.
 */
export const LOCAL_HTTP = /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?(\/|$)/i;
export const webhookUrlSchema = z
  .string()
  .max(2_048)
  .refine((url) => {
    try {
      const u = new URL(url);
      return (u.protocol === 'https:' || LOCAL_HTTP.test(url)) && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'must be an https:// URL without credentials (http://127.0.0.1 or http://localhost only for local testing)');

export const webhookSecretSchema = z
  .string()
  .min(16, 'at least 16 characters (use the generated one)')
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const webhookSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1).max(200),
  url: webhookUrlSchema,
  format: z.enum(WEBHOOK_FORMATS),
  /** The HMAC-SHA256 key; write-only through the admin API (kept when an update leaves it out). */
  secret: webhookSecretSchema,
  /** Disabled: deliveries are recorded as dead-lettered ("webhook disabled") instead of sent. */
  enabled: z.boolean().default(true),
});
export type Webhook = z.output<typeof webhookSchema>;
export type WebhookInput = z.input<typeof webhookSchema>;
