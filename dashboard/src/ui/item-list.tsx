/**
 * The list page every item editor opens from: the header with its "New <kind>" button, then either
 * the empty state or a table whose first column is the item's name linking to its editor.
 */
import type { ComponentChildren } from 'preact';
import type { Json } from '../api';
import type { Tab } from '../routing';
import { Empty, PageHeader } from '../ui';
import { DraftMark } from '../drafts/draft-marks';

/** One column after the name: its header, the cell for an item, and the cell's class if any. */
export type ItemColumn = { header: string; cell: (item: Json) => ComponentChildren; class?: string };

type ItemListProps = {
  title: string;
  sub: string;
  siteId: string;
  tab: Tab;
  /** "segment", "slot"…: the "New <kind>" button. */
  kind: string;
  items: Json[];
  emptyTitle: string;
  /** What the empty state explains (the kind of item and what it is for). */
  empty: ComponentChildren;
  columns: ItemColumn[];
};

export function ItemList({ title, sub, siteId, tab, kind, items, emptyTitle, empty, columns }: ItemListProps) {
  return (
    <>
      <ListTop title={title} sub={sub} siteId={siteId} tab={tab} kind={kind} />
      {!items.length ? (
        <Empty title={emptyTitle}>{empty}</Empty>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              {columns.map((c) => (
                <th scope="col" key={c.header}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item['id']}>
                <td>
                  <ItemLink siteId={siteId} tab={tab} item={item} />
                </td>
                {columns.map((c) => (
                  <td key={c.header} class={c.class}>
                    {c.cell(item)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The "Id" column most lists show: the item's id as code. */
export const idColumn: ItemColumn = { header: 'Id', cell: (item) => <code>{item['id']}</code> };

/** A list page's header with its "New <kind>" button. */
export function ListTop({ title, sub, siteId, tab, kind }: { title: string; sub: string; siteId: string; tab: Tab; kind: string }) {
  return (
    <PageHeader title={title} sub={sub}>
      <a class="btn primary" href={`#/s/${encodeURIComponent(siteId)}/${tab}/new`}>
        New {kind}
      </a>
    </PageHeader>
  );
}

/** An item's name in a list, linking to its editor. */
export function ItemLink({ siteId, tab, item }: { siteId: string; tab: Tab; item: Json }) {
  return (
    <>
      <a href={`#/s/${encodeURIComponent(siteId)}/${tab}/${encodeURIComponent(item['id'])}`}>{item['name']}</a> <DraftMark collection={tab} id={item['id']} />
    </>
  );
}
