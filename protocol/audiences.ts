/**
 * Audiences in and out (docs/audiences.md), defined once: the admin API validates with these
 * schemas and the dashboard imports the types (and the CSV helpers of audiences-csv.ts).
 *
 * Out: a segment's members, evaluated over the analytics shards page by page (cursor: shard and
 * visitor id), identified users listed by user id with the traits asked for, anonymous ones counted.
 *   GET /sites/:site/audiences/:segment/members?cursor=&limit=&traits=   one page (JSON)
 *   GET /sites/:site/audiences/:segment/export?format=csv|json|jsonl&traits=   the whole list, streamed
 *   GET /sites/:site/audiences/:segment/count                           totals
 * In: traits for user ids from a CSV (`user_id,<trait>,…`), sent in chunks of rows to an import job.
 *   POST /sites/:site/trait-imports                    a job for a file (the same file: the same job)
 *   POST /sites/:site/trait-imports/:id/chunks         one chunk of rows, applied; per-row errors
 *   GET  /sites/:site/trait-imports/:id                the job: rows done of total, errors
 */
import { z } from 'zod';
import { MAX_KEYS, MAX_NAME_LENGTH } from './limits';
import { slugSchema } from './config/personalization';
import { propsSchema, type PropValue } from './wire';
import { IMPORT_CHUNK_ROWS } from './audiences-csv';

export { IMPORT_CHUNK_ROWS };

/** Visitors evaluated per page: a page never lists more members than this. */
export const AUDIENCE_PAGE_DEFAULT = 500;
export const AUDIENCE_PAGE_MAX = 1_000;
/** At most this many rows in one import (split a larger file into several). */
export const IMPORT_MAX_ROWS = 1_000_000;
/** Row errors a job keeps (the count goes on). */
export const IMPORT_ERRORS_KEPT = 1_000;

/** A trait name as identify traits allow it. */
export const traitNameSchema = z.string().min(1, 'empty').max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`);

/** `traits=plan,email`: the traits each exported member carries (none by default). */
const traitList = z
  .string()
  .max(2_000)
  .transform((s) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  )
  .pipe(z.array(traitNameSchema).max(MAX_KEYS, `at most ${MAX_KEYS} traits`));

/** `<shard>:<last visitor id>`: where the next page starts. */
export const audienceCursorSchema = z.string().regex(/^\d{1,2}:[A-Za-z0-9_-]{0,64}$/, 'must be a cursor from a previous page ("<shard>:<visitor>")');

export const audienceParamsSchema = z.object({ site: z.string(), segment: slugSchema });

export const membersQuerySchema = z.object({
  cursor: audienceCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(AUDIENCE_PAGE_MAX).default(AUDIENCE_PAGE_DEFAULT),
  traits: traitList.optional(),
});

export const exportQuerySchema = z.object({
  format: z.enum(['csv', 'json', 'jsonl'], { error: 'format must be csv, json or jsonl' }).default('csv'),
  traits: traitList.optional(),
});
export type ExportFormat = z.output<typeof exportQuerySchema>['format'];

// Stored traits (validated on the way in, wire.ts propsSchema); described loosely for the OpenAPI document.
const traitsObject = z.record(z.string(), z.unknown());
export const audienceMemberSchema = z.object({ userId: z.string(), traits: traitsObject });
export type AudienceMember = z.output<typeof audienceMemberSchema>;

export const membersPageSchema = z.object({
  segment: z.string(),
  members: z.array(audienceMemberSchema),
  /** Anonymous members among the visitors this page evaluated. */
  anonymous: z.number().int().nonnegative(),
  scanned: z.number().int().nonnegative(),
  /** The next page's cursor; null after the last page. */
  next: z.string().nullable(),
});
export type MembersPage = z.output<typeof membersPageSchema>;

export const audienceCountSchema = z.object({
  segment: z.string(),
  /** Distinct user ids among the members. */
  identified: z.number().int().nonnegative(),
  anonymous: z.number().int().nonnegative(),
  /** Stored visitors evaluated. */
  scanned: z.number().int().nonnegative(),
  at: z.number().int(),
});
export type AudienceCount = z.output<typeof audienceCountSchema>;

/** `format=json`: one document, members first, the counts after them (the list is streamed). */
export const exportDocumentSchema = z.object({
  segment: z.string(),
  at: z.number().int(),
  traits: z.array(z.string()),
  members: z.array(audienceMemberSchema),
  identified: z.number().int().nonnegative(),
  anonymous: z.number().int().nonnegative(),
});
export type ExportDocument = z.output<typeof exportDocumentSchema>;

// ---- import ------------------------------------------------------------------------------------

/** A user id as an import names it: what identify takes, unsigned, without control characters. */
export const importUserIdSchema = z
  .string()
  .min(1, 'empty user id')
  .max(MAX_NAME_LENGTH * 2, `user id longer than ${MAX_NAME_LENGTH * 2} characters`)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'user id has control characters')
  .refine((s) => s.trim() === s, 'user id has leading or trailing spaces');

/** The CSV header: `user_id` first, then trait names, each once. */
export const importHeaderSchema = z
  .array(z.string())
  .min(2, 'the header needs user_id and at least one trait')
  .max(MAX_KEYS + 1, `at most ${MAX_KEYS} traits`)
  .superRefine((header, ctx) => {
    if (header[0] !== 'user_id') ctx.addIssue({ code: 'custom', path: [0], message: 'the first column must be user_id' });
    const seen = new Set<string>();
    header.slice(1).forEach((name, i) => {
      const checked = traitNameSchema.safeParse(name);
      if (!checked.success) ctx.addIssue({ code: 'custom', path: [i + 1], message: `trait name: ${checked.error.issues[0]?.message ?? 'invalid'}` });
      if (name === 'user_id') ctx.addIssue({ code: 'custom', path: [i + 1], message: 'user_id twice' });
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i + 1], message: `trait "${name}" twice` });
      seen.add(name);
    });
  });

export const createImportBodySchema = z.strictObject({
  /** The file's name, for people. */
  name: z.string().min(1).max(200),
  /** SHA-256 of the file's bytes (hex): the same file is the same job (idempotent). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the file, 64 hex digits'),
  header: importHeaderSchema,
  totalRows: z.number().int().min(1, 'no rows').max(IMPORT_MAX_ROWS, `at most ${IMPORT_MAX_ROWS} rows per import`),
});
export type CreateImportBody = z.output<typeof createImportBodySchema>;

export const importIdSchema = z.string().regex(/^imp_[A-Za-z0-9_-]{16}$/, 'must be an import id (imp_…)');

export const importChunkBodySchema = z.strictObject({
  /** The chunk's data row number of its first row (1 = the row after the header). */
  firstRow: z.number().int().min(1),
  /** The rows as cells (audiences-csv.ts parses them), at most IMPORT_CHUNK_ROWS. */
  rows: z
    .array(z.array(z.string().max(10_000)).max(MAX_KEYS + 1))
    .min(1, 'no rows')
    .max(IMPORT_CHUNK_ROWS, `at most ${IMPORT_CHUNK_ROWS} rows per chunk`),
});
export type ImportChunkBody = z.output<typeof importChunkBodySchema>;

export const importRowErrorSchema = z.object({ row: z.number().int(), reason: z.string() });
export type ImportRowError = z.output<typeof importRowErrorSchema>;

export const importJobSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['running', 'done']),
  header: z.array(z.string()),
  totalRows: z.number().int(),
  /** Rows handled so far (applied, refused or not stored). */
  rowsDone: z.number().int(),
  applied: z.number().int(),
  /** Rows consent kept out (the user's stored choice, or an opt-in site without one). */
  notStored: z.number().int(),
  errorCount: z.number().int(),
  /** The first IMPORT_ERRORS_KEPT row errors. */
  errors: z.array(importRowErrorSchema),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ImportJob = z.output<typeof importJobSchema>;

/** Traits of one row, validated as identify traits are (wire.ts propsSchema); empty cells set nothing. */
export function rowTraits(
  header: readonly string[],
  cells: readonly string[],
): { ok: true; traits: Record<string, PropValue> } | { ok: false; reason: string } {
  const traits: Record<string, PropValue> = {};
  header.slice(1).forEach((name, i) => {
    const value = cells[i + 1] ?? '';
    if (value !== '') traits[name] = value;
  });
  const checked = propsSchema.safeParse(traits);
  if (!checked.success) return { ok: false, reason: `traits: ${checked.error.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, traits: checked.data };
}

export const createImportResponseSchema = z.object({ job: importJobSchema, created: z.boolean() });
export type CreateImportResponse = z.output<typeof createImportResponseSchema>;

export const importChunkResponseSchema = z.object({
  job: importJobSchema,
  /** This chunk's rows: applied, not stored (consent), refused with a reason; `duplicate` when it was counted before. */
  chunk: z.object({ applied: z.number().int(), notStored: z.number().int(), errors: z.array(importRowErrorSchema), duplicate: z.boolean() }),
  /** Set when a profile asked to slow down: nothing of the chunk was counted; send it again after this many seconds. */
  retryAfterSeconds: z.number().int().optional(),
});
export type ImportChunkResponse = z.output<typeof importChunkResponseSchema>;
