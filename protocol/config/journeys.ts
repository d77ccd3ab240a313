/**
 * Journeys as marketers configure them: an entry trigger, an ordered list of steps (show a
 * message, set a trait, call a webhook, wait, wait for an event, branch, exit), a goal that ends
 * the journey whenever it happens, and a re-entry rule. Part of the site's versioned config JSON
 * (config/site.ts), validated on every write and read. Pure: no Worker globals.
 */
import { z } from 'zod';
import { MAX_NAME_LENGTH } from '../limits';
import { slugSchema } from './personalization';
import { conditionSchema } from './conditions';

const eventName = z.string().min(1, 'empty').max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`);
/** Waits up to 60 days: a profile's alarm may sleep that long. */
export const MAX_WAIT_MINUTES = 60 * 24 * 60;
const minutes = z.number().int().min(1, 'at least 1 minute').max(MAX_WAIT_MINUTES, `at most ${MAX_WAIT_MINUTES} minutes (60 days)`);
/** Where to go next: a step id of the same journey; left out = the following step in the list. */
const target = slugSchema.optional();
const traitValue = z.union([z.string().max(1_000), z.number().finite(), z.boolean()]);

export const stepSchema = z.discriminatedUnion('kind', [
  /** Lets the visitor see this message (targeted as if in its segments; caps and schedule still apply). */
  z.strictObject({ id: slugSchema, kind: z.literal('message'), message: slugSchema, next: target }),
  z.strictObject({ id: slugSchema, kind: z.literal('setTrait'), key: z.string().min(1).max(100), value: traitValue, next: target }),
  /** Queues a signed delivery to the webhook (retried with backoff, then dead-lettered). */
  z.strictObject({ id: slugSchema, kind: z.literal('webhook'), webhook: slugSchema, next: target }),
  /**
   * Waits `minutes`; with `until: 'best-hour'` (Best time, edge/src/journeys/best-time.ts) it then
   * holds further until the visitor's usual active hour, learned from their own history.
   */
  z.strictObject({ id: slugSchema, kind: z.literal('wait'), minutes, until: z.literal('best-hour').optional(), next: target }),
  /** Waits until `event` happens (→ onEvent) or `timeoutMinutes` pass without it (→ onTimeout). */
  z.strictObject({ id: slugSchema, kind: z.literal('waitFor'), event: eventName, timeoutMinutes: minutes, onEvent: target, onTimeout: target }),
  /** Evaluates a rules condition on the profile now (traits, prefs, event counts, …). */
  z.strictObject({ id: slugSchema, kind: z.literal('branch'), condition: conditionSchema, then: slugSchema, else: target }),
  z.strictObject({ id: slugSchema, kind: z.literal('exit') }),
  /** Queues an e-mail from a template (config/email.ts): sent only with an address, e-mail consent, not suppressed, within the cap. */
  z.strictObject({ id: slugSchema, kind: z.literal('email'), template: slugSchema, next: target }),
]);
export type Step = z.output<typeof stepSchema>;
export type StepKind = Step['kind'];

export const entrySchema = z.union([z.strictObject({ event: eventName }), z.strictObject({ segmentEntered: slugSchema })]);
export type JourneyEntry = z.output<typeof entrySchema>;

/** never: once per visitor; after-exit: again once the last run ended; afterDays: n days after the last entry (and ended). */
export const reentrySchema = z.union([z.enum(['never', 'after-exit']), z.strictObject({ afterDays: z.number().int().min(1).max(365) })]);
export type Reentry = z.output<typeof reentrySchema>;

export const journeySchema = z
  .strictObject({
    id: slugSchema,
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
    entry: entrySchema,
    reentry: reentrySchema.default('never'),
    /** Ends the journey (as converted) when it happens, at any step. */
    goal: z.strictObject({ event: eventName }).optional(),
    steps: z.array(stepSchema).min(1, 'a journey needs at least one step').max(50, 'at most 50 steps'),
  })
  .superRefine((j, ctx) => {
    const ids = new Map<string, number>();
    j.steps.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
      ids.set(s.id, i);
    });
    j.steps.forEach((s, i) => {
      for (const [field, to] of stepTargets(s)) {
        if (to !== undefined && !ids.has(to)) ctx.addIssue({ code: 'custom', path: ['steps', i, field], message: `no step "${to}" in this journey` });
      }
    });
    const cycle = instantCycle(j.steps);
    if (cycle)
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: `steps ${cycle.map((id) => `"${id}"`).join(' → ')} loop without a wait: put a wait in the loop`,
      });
  });
export type Journey = z.output<typeof journeySchema>;
export type JourneyInput = z.input<typeof journeySchema>;

/** The explicit jumps of a step, by field name. */
export function stepTargets(s: Step): [string, string | undefined][] {
  switch (s.kind) {
    case 'branch':
      return [
        ['then', s.then],
        ['else', s.else],
      ];
    case 'waitFor':
      return [
        ['onEvent', s.onEvent],
        ['onTimeout', s.onTimeout],
      ];
    case 'exit':
      return [];
    default:
      return [['next', s.next]];
  }
}

/** Where a step may go next (index in `steps`, or -1 for the end of the journey). */
export function successors(steps: readonly Step[], index: number): number[] {
  const s = steps[index];
  if (!s || s.kind === 'exit') return [];
  const follow = index + 1 < steps.length ? index + 1 : -1;
  const at = (id: string | undefined) => (id === undefined ? follow : steps.findIndex((x) => x.id === id));
  return stepTargets(s).map(([, to]) => at(to));
}

/**
 * A loop that the step machine would run through without ever waiting (it would never yield):
 * the step ids along it, or null. Edges out of `wait` and `waitFor` steps are where time passes,
 * so they cannot be part of such a loop.
 */
export function instantCycle(steps: readonly Step[]): string[] | null {
  const state = new Array<0 | 1 | 2>(steps.length).fill(0);
  const path: number[] = [];
  const visit = (i: number): number[] | null => {
    state[i] = 1;
    path.push(i);
    const s = steps[i]!;
    if (s.kind !== 'wait' && s.kind !== 'waitFor') {
      for (const n of successors(steps, i)) {
        if (n < 0) continue;
        if (state[n] === 1) return [...path.slice(path.indexOf(n)), n];
        if (state[n] === 0) {
          const found = visit(n);
          if (found) return found;
        }
      }
    }
    path.pop();
    state[i] = 2;
    return null;
  };
  for (let i = 0; i < steps.length; i++) {
    if (state[i] !== 0) continue;
    const found = visit(i);
    if (found) return found.map((n) => steps[n]!.id);
  }
  return null;
}

/** Journey references to other config items, for the site-level check (config/site.ts). */
export type JourneyRefIssue = { path: (string | number)[]; message: string };
export function journeyReferenceIssues(site: {
  journeys: readonly Journey[];
  segments: readonly { id: string }[];
  messages: readonly { id: string }[];
  webhooks: readonly { id: string }[];
  email?: { templates: readonly { id: string }[] } | undefined;
}): JourneyRefIssue[] {
  const issues: JourneyRefIssue[] = [];
  const segments = new Set(site.segments.map((s) => s.id));
  const messages = new Set(site.messages.map((m) => m.id));
  const webhooks = new Set(site.webhooks.map((w) => w.id));
  const templates = new Set((site.email?.templates ?? []).map((t) => t.id));
  const seenWebhooks = new Set<string>();
  site.webhooks.forEach((w, i) => {
    if (seenWebhooks.has(w.id)) issues.push({ path: ['webhooks', i, 'id'], message: `duplicate webhook id "${w.id}"` });
    seenWebhooks.add(w.id);
  });
  const seen = new Set<string>();
  site.journeys.forEach((j, i) => {
    if (seen.has(j.id)) issues.push({ path: ['journeys', i, 'id'], message: `duplicate journey id "${j.id}"` });
    seen.add(j.id);
    if ('segmentEntered' in j.entry && !segments.has(j.entry.segmentEntered)) {
      issues.push({ path: ['journeys', i, 'entry', 'segmentEntered'], message: `no segment "${j.entry.segmentEntered}"` });
    }
    j.steps.forEach((s, k) => {
      if (s.kind === 'message' && !messages.has(s.message)) issues.push({ path: ['journeys', i, 'steps', k, 'message'], message: `no message "${s.message}"` });
      if (s.kind === 'webhook' && !webhooks.has(s.webhook)) issues.push({ path: ['journeys', i, 'steps', k, 'webhook'], message: `no webhook "${s.webhook}"` });
      if (s.kind === 'email' && !templates.has(s.template))
        issues.push({ path: ['journeys', i, 'steps', k, 'template'], message: `no e-mail template "${s.template}"` });
    });
  });
  return issues;
}

/** Journeys that use a segment, message or webhook: `journeys/<id>` (admin delete checks). */
export function journeysUsing(journeys: readonly Journey[], ref: { segment?: string; message?: string; webhook?: string }): string[] {
  return journeys
    .filter(
      (j) =>
        (ref.segment !== undefined && 'segmentEntered' in j.entry && j.entry.segmentEntered === ref.segment) ||
        j.steps.some((s) => (s.kind === 'message' && s.message === ref.message) || (s.kind === 'webhook' && s.webhook === ref.webhook)),
    )
    .map((j) => `journeys/${j.id}`);
}
