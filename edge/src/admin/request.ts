/** Admin request bodies and version parameters: bad input is a 400 with a reason, never a crash. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { assertJsonLikeContentType, readBodyText } from '../http/body';
import { HttpError } from '../http/errors';

/** A whole site config with 200 messages fits comfortably. */
export const MAX_ADMIN_BODY_BYTES = 1_000_000;

export async function readJson(c: Context): Promise<unknown> {
  assertJsonLikeContentType(c.req.header('content-type'));
  const text = await readBodyText(c.req.raw, MAX_ADMIN_BODY_BYTES);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseVersion(raw: unknown, path: string): number {
  const n = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new HttpError(400, `${path} must be the version you edited (a whole number, 0 to create)`, {
      issues: [{ path, message: raw === undefined ? 'required' : 'must be a whole number >= 0' }],
    });
  }
  return n;
}

/** The version an item write is based on: `?version=` or the body's `baseVersion`. */
export function baseVersionOf(c: Context, body?: Record<string, unknown>): number {
  const query = c.req.query('version');
  if (query !== undefined) return parseVersion(query, 'version');
  return parseVersion(body?.baseVersion, 'baseVersion');
}

/** A 400 naming every issue of `error`, with `prefix` before each path (e.g. the body's field). */
export function invalidInput(error: z.ZodError, what: string, prefix: string[] = []): HttpError {
  const issues = error.issues.map((i) => ({ path: [...prefix, ...i.path.map(String)].join('.') || '(root)', message: i.message }));
  return new HttpError(400, `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

/** `input` parsed by the route's declared schema (the OpenAPI document's), or that 400. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'query', prefix?: string[]): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, what, prefix);
  return parsed.data;
}
