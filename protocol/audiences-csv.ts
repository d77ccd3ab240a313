/**
 * CSV for audiences (pure; the export writes it, the dashboard and the API's tests read it):
 * RFC 4180 (comma, CRLF between records, double quotes around cells with a comma, quote or line
 * break, quotes doubled), and formula-injection safe on the way out: a cell starting with = + - @
 * (or a tab or carriage return) gets a leading apostrophe, so a spreadsheet shows it as text
 * (OWASP "CSV injection").
 */

/** Rows per import chunk (protocol/audiences.ts; each row is one profile write, so a chunk stays well within a request's subrequests). */
export const IMPORT_CHUNK_ROWS = 100;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as written to an export. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its line break. */
export function csvRecord(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Parses CSV text into records of cells (quoted cells may hold commas, quotes and line breaks).
 * A byte-order mark is dropped; blank lines are skipped; a quote left open is an error.
 */
export function parseCsv(text: string): { ok: true; records: string[][] } | { ok: false; error: string } {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const endRecord = () => {
    record.push(cell);
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else cell += ch;
  }
  if (quoted) return { ok: false, error: `a quoted cell is never closed (from line ${line})` };
  if (cell !== '' || record.length > 0) endRecord();
  return { ok: true, records };
}
