/**
 * Applying one chunk of a trait import: its rows become identify messages (import-rows.ts), stored
 * through the Segment HTTP API's use case (segment/use-case.ts), so imported traits land exactly as
 * a server's identify calls do: on the profile derived for that user id, linked to the user's
 * golden record (identity/stitch.ts), and in the analytics shards. A user id nobody has identified
 * as yet gets its golden record now: the browser that identifies as that user later is linked to it
 * and sees the traits. Consent is the HTTP API's (segment/consent.ts): a user who refused analytics,
 * or any user of an opt-in site without a recorded yes, is not written ("not stored").
 */
import type { ImportChunkBody, ImportJob, ImportRowError } from '../../../protocol/audiences';
import type { SiteConfig } from '../../../protocol/config/site';
import type { DecisionContext } from '../profile/context';
import { storeSegmentCalls } from '../segment/use-case';
import type { ChunkOutcome } from './import-jobs';
import { importMessages } from './import-rows';

export type ChunkInput = {
  env: Env;
  site: SiteConfig;
  job: ImportJob;
  chunk: ImportChunkBody;
  fallbackUrl: string;
  contextFor: (url: string) => DecisionContext;
  waitUntil: (work: Promise<unknown>) => void;
};

export async function applyImportChunk(input: ChunkInput): Promise<{ outcome: ChunkOutcome } | { retryAfterSeconds: number }> {
  const { job, chunk } = input;
  // The job's creation time: every send of a row is the same message.
  const { messages, errors } = importMessages(job.id, job.header, chunk.firstRow, chunk.rows, new Date(job.createdAt).toISOString());
  const rowErrors: ImportRowError[] = [...errors];
  let applied = 0;
  let notStored = 0;
  if (messages.length > 0) {
    const outcome = await storeSegmentCalls({
      env: input.env,
      site: input.site,
      body: { batch: messages.map((m) => m.message) },
      call: 'batch',
      receivedAt: Date.now(),
      fallbackUrl: input.fallbackUrl,
      contextFor: input.contextFor,
      waitUntil: input.waitUntil,
    });
    if (outcome.kind === 'rate-limited') return { retryAfterSeconds: outcome.retryAfterSeconds };
    const rejected = outcome.kind === 'bad-request' ? (outcome.rejected ?? messages.map((_, index) => ({ index, reason: outcome.error }))) : outcome.rejected;
    for (const r of rejected) rowErrors.push({ row: messages[r.index]!.row, reason: r.reason });
    notStored = outcome.kind === 'stored' ? outcome.notStored.length : 0;
    applied = messages.length - rejected.length - notStored;
  }
  rowErrors.sort((a, b) => a.row - b.row);
  return { outcome: { firstRow: chunk.firstRow, rows: chunk.rows.length, applied, notStored, errors: rowErrors } };
}
