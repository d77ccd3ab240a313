/**
 * A heat grid that is a real table (cohort retention): every cell shows its number, the colour
 * only helps to see the shape, and screen readers get row and column headers for free.
 */
import type { ComponentChildren } from 'preact';
import { heat } from './format';
import { DataTable } from './table';

export type HeatCell = { share: number; text: string; sub?: string; title: string } | null;

type Props = {
  caption: string;
  corner: string;
  columns: string[];
  /** Extra header cells between the row header and the heat columns (e.g. cohort size). */
  extraColumns?: string[];
  rows: { key: string | number; head: ComponentChildren; extra?: ComponentChildren[]; cells: HeatCell[] }[];
};

export function HeatTable({ caption, corner, columns, extraColumns = [], rows }: Props) {
  return (
    <DataTable
      class="table heat-table"
      caption={caption}
      columns={[corner, ...[...extraColumns, ...columns].map((c, i) => ({ label: c, class: 'num', key: `${i}:${c}` }))]}
    >
      {rows.map((r) => (
        <tr key={r.key}>
          <th scope="row">{r.head}</th>
          {(r.extra ?? []).map((e, i) => (
            <td key={i} class="num">
              {e}
            </td>
          ))}
          {r.cells.map((c, i) =>
            c ? (
              <td key={i} class="heat num" style={{ background: heat(c.share) }} title={c.title}>
                <span class="heat-main">{c.text}</span>
                {c.sub ? <span class="heat-sub">{c.sub}</span> : null}
              </td>
            ) : (
              <td key={i} class="heat none num">
                <span class="sr-only">not yet</span>
              </td>
            ),
          )}
        </tr>
      ))}
    </DataTable>
  );
}
