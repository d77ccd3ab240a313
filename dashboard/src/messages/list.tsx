/** Messages: each with its type, audience, trigger and priority. */
import type { ListProps } from '../site-state';
import { ItemList } from '../ui/item-list';
import { audienceText, triggerText } from './model';

export function MessageList({ site }: ListProps) {
  const names = new Map(site.config.segments.map((s) => [s['id'] as string, s['name'] as string]));
  return (
    <ItemList
      title="Messages"
      sub="Banners, modals, toasts, inline notes and one-question surveys."
      siteId={site.config.id}
      tab="messages"
      kind="message"
      items={site.config.messages}
      emptyTitle="No messages yet"
      empty={<p>Messages show to the segments you pick, when the trigger fires, within their caps.</p>}
      columns={[
        { header: 'Type', cell: (m) => <span class="pill">{m['type']}</span> },
        { header: 'Audience', class: 'describe', cell: (m) => audienceText(m['segments'] as string[] | undefined, names) },
        { header: 'Trigger', cell: (m) => triggerText(m['trigger']) },
        { header: 'Priority', cell: (m) => m['priority'] ?? 0 },
      ]}
    />
  );
}
