/**
 * Disabling an endpoint whose receiver answered `410 Gone` (Standard Webhooks: stop sending it).
 * It is a config change through the admin write path, not a separate state: the `enabled` flag is
 * the one switch every visitor profile already reads, the change is versioned and in the audit log
 * (author `webhook-delivery`), and the dashboard shows it (unticked "Enabled", with the reason) with
 * nothing new to keep in sync. Ticking "Enabled" again turns it back on.
 */
import type { WriteResult } from '../admin/site-admin';
import type { SiteChange } from '../admin/site-edit';
import type { SiteConfig } from '../../../protocol/config/site';

/** Who the audit log names for the change. */
export const DISABLE_AUTHOR = 'webhook-delivery';

export type ConfigWriter = {
  getSite(id: string): Promise<SiteConfig | null>;
  write(siteId: string, change: SiteChange, baseVersion: number, who: string): Promise<WriteResult>;
};

/** Sets `enabled: false` with the reason; retries on a concurrent edit. False when it could not (gone already, or still conflicting). */
export async function disableWebhook(store: ConfigWriter, siteId: string, webhookId: string, reason: string): Promise<boolean> {
  for (let tries = 0; tries < 3; tries++) {
    const site = await store.getSite(siteId);
    const webhook = site?.webhooks.find((w) => w.id === webhookId);
    if (!site || !webhook) return false;
    if (!webhook.enabled) return true;
    const item = { ...webhook, enabled: false, disabledReason: `${reason} (${new Date().toISOString()})`.slice(0, 500) };
    const result = await store.write(siteId, { kind: 'put-item', collection: 'webhooks', id: webhookId, item }, site.version, DISABLE_AUTHOR);
    if (result.ok) return true;
    if (!('currentVersion' in result)) return false;
  }
  return false;
}
