/**
 * Webhook secrets are write-only in the admin API: responses never carry them (the dashboard shows
 * "set"), and a write that leaves one out keeps the stored secret of the same webhook id. The
 * visitor profiles read them from the site config in KV, which only the worker can read.
 */
import type { SiteConfig } from '../../../protocol/config/site';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A config for admin responses: every webhook without its secret, with `secretSet: true`. */
export function redactSecrets<T extends { webhooks?: readonly unknown[] }>(config: T): T {
  if (!config.webhooks) return config;
  return { ...config, webhooks: config.webhooks.map((w) => redactWebhook(w)) };
}

export function redactWebhook(webhook: unknown): unknown {
  if (!isRecord(webhook) || !('secret' in webhook)) return webhook;
  const { secret: _secret, ...rest } = webhook;
  return { ...rest, secretSet: true };
}

/**
 * Fills in left-out secrets from the current config, by webhook id, and drops the `secretSet`
 * marker a redacted config carries back. Anything else is left for validation to judge.
 */
export function keepSecrets(candidate: Record<string, unknown>, current: SiteConfig | null): Record<string, unknown> {
  if (!Array.isArray(candidate.webhooks)) return candidate;
  const stored = new Map((current?.webhooks ?? []).map((w) => [w.id, w.secret]));
  const webhooks = candidate.webhooks.map((w: unknown) => {
    if (!isRecord(w)) return w;
    const { secretSet: _marker, ...rest } = w;
    const secret = rest.secret === undefined && typeof rest.id === 'string' ? stored.get(rest.id) : undefined;
    return secret === undefined ? rest : { ...rest, secret };
  });
  return { ...candidate, webhooks };
}
