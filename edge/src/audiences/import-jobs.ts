/**
 * Trait import jobs, kept by the site's SiteAdmin object (admin/site-admin.ts calls these) in its
 * key-value storage (no SQL table): the job (`trait-import:<id>`) and one marker per chunk applied
 * (`trait-import:<id>:<firstRow>`), so a chunk sent twice (a retry, a second tab) counts once.
 * The object is single-threaded and each call below is one storage round with no other await, so
 * progress is exact.
 */
import { IMPORT_ERRORS_KEPT, type ImportJob, type ImportRowError } from '../../../protocol/audiences';

export type ChunkOutcome = { firstRow: number; rows: number; applied: number; notStored: number; errors: ImportRowError[] };

const jobKey = (id: string) => `trait-import:${id}`;
const chunkKey = (id: string, firstRow: number) => `trait-import:${id}:${firstRow}`;

export async function readImportJob(storage: DurableObjectStorage, id: string): Promise<ImportJob | null> {
  return (await storage.get<ImportJob>(jobKey(id))) ?? null;
}

/** The job for this id: the stored one when the same file was imported before (idempotent), else `job`. */
export async function createImportJob(storage: DurableObjectStorage, job: ImportJob): Promise<{ job: ImportJob; created: boolean }> {
  const existing = await readImportJob(storage, job.id);
  if (existing) return { job: existing, created: false };
  await storage.put(jobKey(job.id), job);
  return { job, created: true };
}

/** Whether this chunk was already counted. */
export async function chunkDone(storage: DurableObjectStorage, id: string, firstRow: number): Promise<boolean> {
  return (await storage.get(chunkKey(id, firstRow))) !== undefined;
}

/** Counts a chunk once; the job is done when every row is. Null: no such job. */
export async function recordImportChunk(storage: DurableObjectStorage, id: string, outcome: ChunkOutcome, now: number): Promise<ImportJob | null> {
  const [job, marker] = await Promise.all([readImportJob(storage, id), storage.get(chunkKey(id, outcome.firstRow))]);
  if (!job) return null;
  if (marker !== undefined) return job;
  const rowsDone = Math.min(job.totalRows, job.rowsDone + outcome.rows);
  const next: ImportJob = {
    ...job,
    rowsDone,
    applied: job.applied + outcome.applied,
    notStored: job.notStored + outcome.notStored,
    errorCount: job.errorCount + outcome.errors.length,
    errors: [...job.errors, ...outcome.errors].sort((a, b) => a.row - b.row).slice(0, IMPORT_ERRORS_KEPT),
    status: rowsDone >= job.totalRows ? 'done' : 'running',
    updatedAt: now,
  };
  await storage.put({ [jobKey(id)]: next, [chunkKey(id, outcome.firstRow)]: now });
  return next;
}
