/** Webhooks: each with its format, URL and whether it is enabled. */
import type { Json } from '../api';
import { enabledText } from '../item-model';
import type { ListProps } from '../site-state';
import { ItemList } from '../ui/item-list';

export function WebhookList({ site }: ListProps) {
  return (
    <ItemList
      title="Webhooks"
      sub="Endpoints your journeys call, signed with HMAC-SHA256, retried with backoff."
      siteId={site.config.id}
      tab="webhooks"
      kind="webhook"
      items={(site.config['webhooks'] ?? []) as Json[]}
      emptyTitle="No webhooks yet"
      empty={<p>Add an endpoint (Slack, your CRM, any https URL), then call it from a journey step.</p>}
      columns={[
        { header: 'Format', cell: (w) => <span class="pill">{w['format']}</span> },
        { header: 'URL', class: 'path', cell: (w) => w['url'] },
        { header: 'Status', cell: enabledText },
      ]}
    />
  );
}
