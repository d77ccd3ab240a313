/**
 * The webhook editor's logic. The secret is write-only: the API never returns it (only
 * `secretSet`), so a draft sends a secret only when the marketer entered or generated one.
 */
import type { Issue, Json } from '../api';
import { idIssues, itemId } from '../item-model';

export const FORMATS: Record<string, string> = {
  slack: 'Slack (incoming webhook: {text})',
  json: 'Generic JSON',
  crm: 'CRM-style contact event',
};

/** 32 random bytes as hex: what the receiver configures to check `Waymark-Signature`. */
export function newSecret(): string {
  return [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const blankWebhook = (): Json => ({ id: '', name: '', url: 'https://', format: 'json', enabled: true, secret: newSecret() });

/** The journeys with a step that calls webhook `id` (they must change before it is deleted). */
export function journeysCalling(journeys: Json[], id: unknown): Json[] {
  return journeys.filter((j) => ((j['steps'] ?? []) as Json[]).some((s) => s['kind'] === 'webhook' && s['webhook'] === id));
}

/** How a delivery's outcome reads in the log. */
export const outcomeLabel = (outcome: string) => (outcome === 'dead' ? 'dead letter' : outcome);

/** The webhook to save (no `secretSet`, no empty secret: left out keeps the stored one) and the refusals. */
export function webhookDraft(item: Json, ctx: { isNew: boolean; existing: Json[] }): { id: string; body: Json; issues: Issue[] } {
  const id = itemId(item);
  const body: Json = { ...item, id };
  delete body['secretSet'];
  if (typeof body['secret'] !== 'string' || body['secret'] === '') delete body['secret'];
  return { id, body, issues: idIssues(id, ctx.isNew, ctx.existing, 'webhook') };
}
