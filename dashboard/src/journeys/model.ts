/**
 * The journey editor's logic: step kinds and their fields, durations in minutes, hours or days,
 * the list's one-line summaries, and the draft sent to the API (which validates it again:
 * protocol/config/journeys.ts).
 */
import type { Issue, Json } from '../api';
import { idIssues, itemId } from '../item-model';

export const KINDS: Record<string, string> = {
  message: 'Show a message',
  setTrait: 'Set a trait',
  webhook: 'Call a webhook',
  wait: 'Wait',
  waitFor: 'Wait for an event',
  branch: 'Branch on a condition',
  exit: 'Exit',
  email: 'Send an e-mail',
};

export const UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
export type Unit = keyof typeof UNITS;

/** "30 min", "2 h", "3 days" for a number of minutes. */
export function duration(minutes: unknown): string {
  const m = Number(minutes);
  if (!Number.isFinite(m) || m <= 0) return '?';
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? '' : 's'}`;
  if (m % 60 === 0) return `${m / 60} h`;
  return `${m} min`;
}

export function entryText(e: Json | undefined, segments: Map<string, string>): string {
  if (!e) return '?';
  if ('segmentEntered' in e) return `enters segment “${segments.get(e['segmentEntered']) ?? e['segmentEntered']}”`;
  return `event “${e['event']}”`;
}

export function reentryText(r: unknown): string {
  if (r === 'after-exit') return 'again after leaving';
  if (r && typeof r === 'object') return `again after ${(r as Json)['afterDays']} days`;
  return 'once';
}

/** One line per step for the list view: what the visitor goes through. */
export function stepText(s: Json): string {
  switch (s['kind']) {
    case 'message':
      return `message ${s['message']}`;
    case 'setTrait':
      return `set ${s['key']}`;
    case 'webhook':
      return `webhook ${s['webhook']}`;
    case 'wait':
      // Best time (docs/journeys-and-webhooks.md): held on until the visitor's usual active hour.
      return `wait ${duration(s['minutes'])}${s['until'] === 'best-hour' ? ', then until their usual hour' : ''}`;
    case 'waitFor':
      return `wait for ${s['event']} (≤ ${duration(s['timeoutMinutes'])})`;
    case 'branch':
      return 'branch';
    case 'email':
      return `e-mail ${s['template']}`;
    default:
      return 'exit';
  }
}

/** The unit a stored number of minutes reads best in. */
export function unitFor(minutes: number): Unit {
  return minutes > 0 && minutes % 1440 === 0 ? 'days' : minutes > 0 && minutes % 60 === 0 ? 'hours' : 'minutes';
}

/** An amount typed in `unit` as minutes; what is not a number is kept as typed for the API to refuse. */
export function minutesFrom(value: string, unit: Unit): number | string {
  const n = Number(value);
  // The API asks for whole minutes and says so when they are not.
  return value.trim() === '' || !Number.isFinite(n) ? value : Math.round(n * UNITS[unit] * 1000) / 1000;
}

/** A new step of `kind`, with the first free id "step-N" and its kind's starting fields. */
export function blankStep(kind: string, steps: Json[]): Json {
  let n = steps.length + 1;
  while (steps.some((s) => s['id'] === `step-${n}`)) n++;
  const id = `step-${n}`;
  switch (kind) {
    case 'message':
      return { id, kind, message: '' };
    case 'setTrait':
      return { id, kind, key: '', value: '' };
    case 'webhook':
      return { id, kind, webhook: '' };
    case 'wait':
      return { id, kind, minutes: 60 };
    case 'waitFor':
      return { id, kind, event: '', timeoutMinutes: 30 };
    case 'branch':
      return { id, kind, condition: { trait: 'plan', test: { op: 'eq', value: 'gold' } }, then: '' };
    case 'email':
      return { id, kind, template: '' };
    default:
      return { id, kind: 'exit' };
  }
}

/** Fields that belong to each kind; others are dropped when the kind changes or on save. */
const FIELDS: Record<string, string[]> = {
  message: ['message', 'next'],
  setTrait: ['key', 'value', 'next'],
  webhook: ['webhook', 'next'],
  wait: ['minutes', 'until', 'next'],
  waitFor: ['event', 'timeoutMinutes', 'onEvent', 'onTimeout'],
  branch: ['condition', 'then', 'else'],
  exit: [],
  email: ['template', 'next'],
};

export function cleanStep(s: Json): Json {
  const out: Json = { id: s['id'], kind: s['kind'] };
  for (const f of FIELDS[s['kind']] ?? []) if (s[f] !== undefined && s[f] !== '') out[f] = s[f];
  return out;
}

export const blankJourney = (): Json => ({
  id: '',
  name: '',
  enabled: true,
  entry: { event: 'add_to_cart' },
  reentry: 'never',
  steps: [{ id: 'wait', kind: 'waitFor', event: 'checkout_start', timeoutMinutes: 30 }],
});

/**
 * The journey to save (each step with only its kind's fields, no goal without an event) and the
 * refusals to show first; `badJson` holds the branch conditions whose JSON does not parse, by step.
 */
export function journeyDraft(j: Json, badJson: Record<number, string>, ctx: { isNew: boolean; existing: Json[] }): { id: string; body: Json; issues: Issue[] } {
  const id = itemId(j);
  const issues = idIssues(id, ctx.isNew, ctx.existing, 'journey');
  for (const [i, message] of Object.entries(badJson)) if (message) issues.push({ path: `steps.${i}.condition`, message });
  const body: Json = { ...j, id, steps: ((j['steps'] ?? []) as Json[]).map(cleanStep) };
  if (!body['goal']?.['event']) delete body['goal'];
  return { id, body, issues };
}
