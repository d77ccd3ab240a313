/** The Audiences screen's logic (pure, tested beside it): trait lists, the file's header check and chunks. */
import { IMPORT_CHUNK_ROWS, parseCsv } from '../../../protocol/audiences-csv';

/** "plan, email" → ['plan', 'email'] (blank and repeated names dropped). */
export function traitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

export type PlannedImport = { header: string[]; chunks: { firstRow: number; rows: string[][] }[]; totalRows: number };

/**
 * A CSV file's import: its header and its data rows in chunks of IMPORT_CHUNK_ROWS (row numbers
 * count data rows from 1, as the API reports them), or why it cannot be imported at all. Rows are
 * checked by the API, which reports each bad one and applies the rest.
 */
export function planImport(text: string, chunkRows = IMPORT_CHUNK_ROWS): { ok: true; plan: PlannedImport } | { ok: false; error: string } {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  const [header, ...rows] = parsed.records;
  if (!header) return { ok: false, error: 'the file is empty' };
  const names = header.map((h) => h.trim());
  if (names[0] !== 'user_id') return { ok: false, error: `the first column must be user_id (it is "${names[0] ?? ''}")` };
  if (names.length < 2) return { ok: false, error: 'the header needs at least one trait after user_id' };
  if (rows.length === 0) return { ok: false, error: 'the file has a header but no rows' };
  const chunks: PlannedImport['chunks'] = [];
  for (let i = 0; i < rows.length; i += chunkRows) chunks.push({ firstRow: i + 1, rows: rows.slice(i, i + chunkRows) });
  return { ok: true, plan: { header: names, chunks, totalRows: rows.length } };
}

/** SHA-256 of the file's text, hex: the API's import id comes from it (the same file is the same job). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
