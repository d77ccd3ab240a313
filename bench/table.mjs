/**
 * Pads columns into text lines; `right[i]` right-aligns column i.
 * @param {string[][]} table first row is the header
 * @param {boolean[]} right
 */
export function alignTable(table, right) {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}
