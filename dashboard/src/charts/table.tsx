/**
 * The table every report and the overview draw: an optional scroll wrapper, a screen-reader
 * caption, one header row from column specs, and the caller's body rows.
 */
import type { ComponentChildren } from 'preact';
import { headCells, type Column } from './columns';

export { barCol, num, type Column } from './columns';

type Props = {
  /** Classes of the `<table>` (e.g. "table report-table funnel-table"). */
  class: string;
  /** Read to screen readers only; none when omitted. */
  caption?: ComponentChildren;
  columns: readonly Column[];
  /** Classes of the scroll wrapper, or false for a bare table. */
  scroll?: string | false;
  children: ComponentChildren;
};

export function DataTable({ class: tableClass, caption, columns, scroll = 'table-scroll', children }: Props) {
  const table = (
    <table class={tableClass}>
      {caption !== undefined ? <caption class="sr-only">{caption}</caption> : null}
      <thead>
        <tr>
          {headCells(columns).map((c) => (
            <th scope="col" key={c.key} class={c.class}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return scroll === false ? table : <div class={scroll}>{table}</div>;
}
