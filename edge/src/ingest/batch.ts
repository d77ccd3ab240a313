/**
 * Turns a request body into a batch of valid events plus the reasons for each refused one.
 * A bad event never costs the good ones beside it; only a body that is not a batch at all
 * (bad JSON, bad envelope, every event refused) is refused whole.
 */
import { z } from 'zod';
import { MAX_EVENT_BYTES } from '../../../protocol/limits';
import { withContextFields } from './context';
import { batchSchema, eventSchema, type ConsentState, type RejectedEvent, type WireEvent } from '../../../protocol/wire';

export type ParsedBatch = {
  site: string;
  vid?: string;
  consent?: ConsentState;
  /** Events the browser's outbox dropped since its last report (protocol/wire.ts). */
  dropped?: number;
  /** `wm('reset')`: the reset marker's id; the batch belongs to a new visitor (usecases/collect.ts). */
  reset?: string;
  events: WireEvent[];
  rejected: RejectedEvent[];
};

export type Issue = { path: string; message: string };

export type BatchResult = { ok: true; batch: ParsedBatch } | { ok: false; error: string; issues?: Issue[]; rejected?: RejectedEvent[] };

export function formatIssues(error: z.ZodError, prefix: (string | number)[] = []): Issue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

function describe(issues: Issue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

function idOf(raw: unknown): string | undefined {
  if (raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' && raw.id.length <= 64) return raw.id;
  return undefined;
}

export function parseBatch(text: string): BatchResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `body is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const envelope = batchSchema.safeParse(json);
  if (!envelope.success) {
    const issues = formatIssues(envelope.error);
    return { ok: false, error: `not a valid batch: ${describe(issues)}`, issues };
  }
  const events: WireEvent[] = [];
  const rejected: RejectedEvent[] = [];
  envelope.data.events.forEach((raw, index) => {
    const id = idOf(raw);
    const size = JSON.stringify(raw)?.length ?? 0;
    if (size > MAX_EVENT_BYTES) {
      rejected.push({ index, id, reason: `event is ${size} bytes, more than ${MAX_EVENT_BYTES}` });
      return;
    }
    const parsed = eventSchema.safeParse(raw);
    if (parsed.success) events.push(withContextFields(parsed.data));
    else rejected.push({ index, id, reason: describe(formatIssues(parsed.error)) });
  });
  if (events.length === 0) {
    return { ok: false, error: 'every event in the batch was rejected', rejected };
  }
  const { site, vid, consent, dropped, reset } = envelope.data;
  return { ok: true, batch: { site, vid, consent, dropped, reset, events, rejected } };
}
