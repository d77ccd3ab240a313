/**
 * The journey step machine, pure: given a journey, one visitor's state in it and what just
 * happened (an event, a segment entry, or the clock), it returns the new state and the effects for
 * the visitor's Durable Object to apply (grant a message, set a trait, queue a webhook). Waits set
 * `wakeAt`, which the Durable Object turns into an alarm. Nothing here reads storage or the clock.
 */
import type { Condition } from '../../../protocol/config/conditions';
import type { Outcome } from '../rules/evaluate';
import { successors, type Journey, type Step } from '../../../protocol/config/journeys';

export type JourneyStatus = 'active' | 'completed' | 'exited' | 'converted';

export type JourneyState = {
  journey: string;
  status: JourneyStatus;
  /** The step the visitor is at (waiting in it, when active); the last one run when ended. */
  step: string | null;
  enteredAt: number;
  /** Since when the visitor is at `step`. */
  stepSince: number;
  /** When an active wait ends (the alarm), or null. */
  wakeAt: number | null;
  /** The event an active `waitFor` step waits for, or null. */
  waitingFor: string | null;
  endedAt: number | null;
  /** How many times the visitor entered this journey. */
  runs: number;
};

export type Effect =
  | { kind: 'message'; message: string; journey: string; step: string }
  | { kind: 'setTrait'; key: string; value: string | number | boolean; journey: string; step: string }
  | { kind: 'webhook'; webhook: string; journey: string; step: string }
  | { kind: 'email'; template: string; journey: string; step: string };

/** One line of the visitor's history in the journey (profile and debugging). */
export type LogEntry = { at: number; journey: string; step: string | null; what: string };

export type Trigger =
  | { kind: 'event'; name: string; at: number }
  | { kind: 'segment'; segment: string; at: number }
  /** The clock: waits that are due by `at` end. */
  | { kind: 'time'; at: number };

/** Evaluates a branch condition on the profile now; traits set earlier in this run are passed along. */
export type Evaluate = (condition: Condition, pendingTraits: Readonly<Record<string, string | number | boolean>>) => Outcome;

export type Advance = { state: JourneyState | null; effects: Effect[]; log: LogEntry[] };

const DAY = 86_400_000;
/** A run never takes more steps than this at once (validation already refuses loops without waits). */
const MAX_STEPS_PER_RUN = 200;

/** Whether a visitor with this (possibly ended) state may enter the journey at `now`. */
export function mayEnter(journey: Journey, state: JourneyState | null, now: number): { ok: true } | { ok: false; why: string } {
  if (!state) return { ok: true };
  if (state.status === 'active') return { ok: false, why: 'already in it' };
  const r = journey.reentry;
  if (r === 'never') return { ok: false, why: 'entered before (re-entry: never)' };
  if (r === 'after-exit') return { ok: true };
  const since = now - state.enteredAt;
  return since >= r.afterDays * DAY ? { ok: true } : { ok: false, why: `entered ${Math.floor(since / DAY)} days ago (re-entry after ${r.afterDays} days)` };
}

function entersOn(journey: Journey, trigger: Trigger): boolean {
  if (trigger.kind === 'event') return 'event' in journey.entry && journey.entry.event === trigger.name;
  if (trigger.kind === 'segment') return 'segmentEntered' in journey.entry && journey.entry.segmentEntered === trigger.segment;
  return false;
}

/**
 * Runs steps from index `from` until the journey waits or ends. Returns the resulting state; the
 * effects and log lines are pushed into `out`.
 */
function run(journey: Journey, state: JourneyState, from: number, now: number, evaluate: Evaluate, out: Advance): JourneyState {
  const steps = journey.steps;
  const pending: Record<string, string | number | boolean> = {};
  const end = (last: Step | undefined, status: JourneyStatus, what: string): JourneyState => {
    out.log.push({ at: now, journey: journey.id, step: last?.id ?? null, what });
    return { ...state, status, step: last?.id ?? state.step, stepSince: now, wakeAt: null, waitingFor: null, endedAt: now };
  };
  let i = from;
  let last: Step | undefined;
  for (let n = 0; n < MAX_STEPS_PER_RUN; n++) {
    if (i < 0 || i >= steps.length) return end(last, 'completed', 'completed the journey');
    const s = steps[i]!;
    last = s;
    const [following = -1, alternative = -1] = successors(steps, i);
    switch (s.kind) {
      case 'message':
        out.effects.push({ kind: 'message', message: s.message, journey: journey.id, step: s.id });
        out.log.push({ at: now, journey: journey.id, step: s.id, what: `message "${s.message}" may show` });
        i = following;
        break;
      case 'setTrait':
        pending[s.key] = s.value;
        out.effects.push({ kind: 'setTrait', key: s.key, value: s.value, journey: journey.id, step: s.id });
        out.log.push({ at: now, journey: journey.id, step: s.id, what: `trait ${s.key} set to ${JSON.stringify(s.value)}` });
        i = following;
        break;
      case 'webhook':
        out.effects.push({ kind: 'webhook', webhook: s.webhook, journey: journey.id, step: s.id });
        out.log.push({ at: now, journey: journey.id, step: s.id, what: `webhook "${s.webhook}" queued` });
        i = following;
        break;
      case 'email':
        // Whether it may be sent (address, consent, suppression, cap) is the runtime's check: journeys/runtime.ts.
        out.effects.push({ kind: 'email', template: s.template, journey: journey.id, step: s.id });
        out.log.push({ at: now, journey: journey.id, step: s.id, what: `e-mail "${s.template}" queued` });
        i = following;
        break;
      case 'wait':
        out.log.push({ at: now, journey: journey.id, step: s.id, what: `waiting ${s.minutes} min` });
        return { ...state, status: 'active', step: s.id, stepSince: now, wakeAt: now + s.minutes * 60_000, waitingFor: null };
      case 'waitFor':
        out.log.push({ at: now, journey: journey.id, step: s.id, what: `waiting for "${s.event}" (at most ${s.timeoutMinutes} min)` });
        return { ...state, status: 'active', step: s.id, stepSince: now, wakeAt: now + s.timeoutMinutes * 60_000, waitingFor: s.event };
      case 'branch': {
        const o = evaluate(s.condition, pending);
        out.log.push({ at: now, journey: journey.id, step: s.id, what: `branch ${o.matched ? 'then' : 'else'}: ${o.why}` });
        // successors(): [then, else]
        i = o.matched ? following : alternative;
        break;
      }
      case 'exit':
        return end(s, 'exited', 'exit step');
    }
  }
  // Unreachable for a validated journey (instantCycle), kept so a bad config cannot spin forever.
  return end(last, 'exited', `stopped after ${MAX_STEPS_PER_RUN} steps without a wait`);
}

/**
 * Advances one visitor in one journey. Order: the goal ends an active run first; then a `waitFor`
 * event or a due wait moves it on; an ended (or absent) state may enter on the trigger.
 */
export function advance(journey: Journey, state: JourneyState | null, trigger: Trigger, evaluate: Evaluate): Advance {
  const out: Advance = { state, effects: [], log: [] };
  const now = trigger.at;
  if (state?.status === 'active') {
    if (!journey.enabled) {
      out.log.push({ at: now, journey: journey.id, step: state.step, what: 'left: the journey was disabled' });
      out.state = { ...state, status: 'exited', wakeAt: null, waitingFor: null, endedAt: now };
      return out;
    }
    if (trigger.kind === 'event' && journey.goal && trigger.name === journey.goal.event) {
      out.log.push({ at: now, journey: journey.id, step: state.step, what: `goal "${trigger.name}" reached` });
      out.state = { ...state, status: 'converted', wakeAt: null, waitingFor: null, endedAt: now };
      return out;
    }
    const index = journey.steps.findIndex((s) => s.id === state.step);
    const current = journey.steps[index];
    if (!current || (current.kind !== 'wait' && current.kind !== 'waitFor')) {
      // The marketer removed or changed the step the visitor was waiting in: end the run cleanly.
      out.log.push({ at: now, journey: journey.id, step: state.step, what: `left: step "${state.step}" no longer waits in this journey` });
      out.state = { ...state, status: 'exited', wakeAt: null, waitingFor: null, endedAt: now };
      return out;
    }
    const [next = -1, onTimeout = -1] = successors(journey.steps, index);
    if (current.kind === 'waitFor' && trigger.kind === 'event' && trigger.name === current.event) {
      out.log.push({ at: now, journey: journey.id, step: current.id, what: `"${trigger.name}" happened` });
      out.state = run(journey, state, next, now, evaluate, out);
      return out;
    }
    if (state.wakeAt !== null && now >= state.wakeAt) {
      out.log.push({ at: now, journey: journey.id, step: current.id, what: current.kind === 'wait' ? 'wait over' : `no "${current.event}" in time` });
      out.state = run(journey, state, current.kind === 'wait' ? next : onTimeout, now, evaluate, out);
      return out;
    }
    return out;
  }
  if (!journey.enabled || !entersOn(journey, trigger) || !mayEnter(journey, state, now).ok) return out;
  const entered: JourneyState = {
    journey: journey.id,
    status: 'active',
    step: null,
    enteredAt: now,
    stepSince: now,
    wakeAt: null,
    waitingFor: null,
    endedAt: null,
    runs: (state?.runs ?? 0) + 1,
  };
  out.log.push({
    at: now,
    journey: journey.id,
    step: null,
    what: trigger.kind === 'event' ? `entered on "${trigger.name}"` : `entered on segment "${trigger.kind === 'segment' ? trigger.segment : ''}"`,
  });
  out.state = run(journey, entered, 0, now, evaluate, out);
  return out;
}
