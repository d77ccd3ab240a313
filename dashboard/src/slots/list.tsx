/** Slots: each with its variants, highest priority first. */
import type { Json } from '../api';
import type { ListProps } from '../site-state';
import { idColumn, ItemList } from '../ui/item-list';
import { experimentSummary, variantsSummary } from './model';

export function SlotList({ site }: ListProps) {
  const names = new Map(site.config.segments.map((s) => [s['id'] as string, s['name'] as string]));
  return (
    <ItemList
      title="Slots"
      sub="Places on your pages (data-wm-slot) whose content changes per segment."
      siteId={site.config.id}
      tab="slots"
      kind="slot"
      items={site.config.slots}
      emptyTitle="No slots yet"
      empty={
        <p>
          A slot is a place on your pages, such as the home hero, whose content changes per segment. Create one, then mark the element with{' '}
          <code>data-wm-slot="its-id"</code>.
        </p>
      }
      columns={[
        idColumn,
        { header: 'Variants (highest priority first)', class: 'describe', cell: (s) => variantsSummary(s['variants'] as Json[], names) },
        { header: 'Experiment', cell: (s) => experimentSummary(s['experiment'] as Json | undefined) },
      ]}
    />
  );
}
