/** Journeys: each with what starts it, its steps, goal, re-entry and status. */
import type { Json } from '../api';
import { enabledText } from '../item-model';
import type { ListProps } from '../site-state';
import { ItemList } from '../ui/item-list';
import { entryText, reentryText, stepText } from './model';

export function JourneyList({ site }: ListProps) {
  const segments = new Map(site.config.segments.map((s) => [s['id'] as string, s['name'] as string]));
  return (
    <ItemList
      title="Journeys"
      sub="Multi-step flows per visitor: messages, traits, webhooks, waits and branches."
      siteId={site.config.id}
      tab="journeys"
      kind="journey"
      items={(site.config['journeys'] ?? []) as Json[]}
      emptyTitle="No journeys yet"
      empty={<p>A journey starts on an event or a segment entry and runs its steps in each visitor’s profile, with waits of minutes to days.</p>}
      columns={[
        { header: 'Starts on', cell: (j) => entryText(j['entry'], segments) },
        { header: 'Steps', class: 'describe', cell: (j) => ((j['steps'] ?? []) as Json[]).map(stepText).join(' → ') },
        { header: 'Goal', cell: (j) => j['goal']?.['event'] ?? '—' },
        { header: 'Enters', cell: (j) => reentryText(j['reentry']) },
        { header: 'Status', cell: enabledText },
      ]}
    />
  );
}
