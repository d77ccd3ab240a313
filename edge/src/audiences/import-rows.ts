/**
 * Trait import rows (pure): each CSV row becomes one Segment `identify` message for its user id
 * (segment/use-case.ts stores it as the HTTP Tracking API does: the user's profile and golden
 * record, the analytics shards), or a row error with its reason. The message id is the job's id and
 * the row number, so sending a chunk again stores nothing twice (idempotent).
 */
import { importUserIdSchema, rowTraits, type ImportRowError } from '../../../protocol/audiences';

export type RowMessage = { row: number; message: Record<string, unknown> };

export function importMessages(
  jobId: string,
  header: readonly string[],
  firstRow: number,
  rows: readonly (readonly string[])[],
  timestamp: string,
): { messages: RowMessage[]; errors: ImportRowError[] } {
  const messages: RowMessage[] = [];
  const errors: ImportRowError[] = [];
  rows.forEach((cells, i) => {
    const row = firstRow + i;
    if (cells.length !== header.length) {
      errors.push({ row, reason: `has ${cells.length} cells; the header has ${header.length}` });
      return;
    }
    const user = importUserIdSchema.safeParse(cells[0]);
    if (!user.success) {
      errors.push({ row, reason: user.error.issues[0]?.message ?? 'invalid user id' });
      return;
    }
    const traits = rowTraits(header, cells);
    if (!traits.ok) {
      errors.push({ row, reason: traits.reason });
      return;
    }
    if (Object.keys(traits.traits).length === 0) {
      errors.push({ row, reason: 'no trait values (every trait cell is empty)' });
      return;
    }
    messages.push({ row, message: { type: 'identify', messageId: `${jobId}_r${row}`, userId: user.data, traits: traits.traits, timestamp } });
  });
  return { messages, errors };
}
