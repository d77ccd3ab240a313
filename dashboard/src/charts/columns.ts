/**
 * Column heads of a data table, written short: a plain string is a text column, `num('Visitors')`
 * a right-aligned number column. Pure, so the table's header shape is tested in Node.
 */
import type { ComponentChildren } from 'preact';

export type Column = string | { label: ComponentChildren; class?: string | undefined; key?: string | undefined };
export type HeadCell = { key: string; label: ComponentChildren; class: string | undefined };

/** A right-aligned number column. */
export const num = (label: string): Column => ({ label, class: 'num' });

/** A column whose cells hold a meter bar and its number. */
export const barCol = (label: string): Column => ({ label, class: 'bar-col' });

/** The `<th>` each column renders: its key (the label, or the given key), text and class. */
export function headCells(columns: readonly Column[]): HeadCell[] {
  return columns.map((c, i) =>
    typeof c === 'string'
      ? { key: c || String(i), label: c, class: undefined }
      : { key: c.key ?? (typeof c.label === 'string' || typeof c.label === 'number' ? String(c.label) : String(i)), label: c.label, class: c.class },
  );
}
