/** Segments: each with a description of who is in it. */
import { describeCondition } from '../../../protocol/config/describe';
import type { ListProps } from '../site-state';
import { idColumn, ItemList } from '../ui/item-list';

export function SegmentList({ site }: ListProps) {
  return (
    <ItemList
      title="Segments"
      sub="Groups of visitors, defined by what they told you, did and where they are."
      siteId={site.config.id}
      tab="segments"
      kind="segment"
      items={site.config.segments}
      emptyTitle="No segments yet"
      empty={<p>A segment is a group of visitors, like “told us they run on roads”. Slots and messages target segments.</p>}
      columns={[idColumn, { header: 'Who is in it', class: 'describe', cell: (s) => describeCondition(s['condition']) }]}
    />
  );
}
