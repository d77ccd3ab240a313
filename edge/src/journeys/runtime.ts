/**
 * Journeys inside the visitor's Durable Object: runs engine.ts on the stored state, applies the
 * engine's effects (message grants, traits, webhook outbox) and delivers queued webhooks with
 * retries. The visitor object calls it on ingest and alarm (profile/ingest.ts, profile/alarms.ts);
 * the tables are the store's (profile/store/journey-tables.ts).
 */
import type { ProfileStore } from '../profile/store/profile-store';
import { toState } from '../profile/store/journey-tables';
import type { Condition } from '../../../protocol/config/conditions';
import { evaluate, type Facts } from '../rules/evaluate';
import { attemptDelivery } from '../webhooks/deliver';
import type { DeliveryAttempt } from '../webhooks/log';
import type { JourneyWebhookEvent } from '../webhooks/payload';
import { afterAttempt } from '../webhooks/retry';
import type { Webhook } from '../../../protocol/config/webhooks';
import { advance, type Effect, type JourneyState, type Trigger } from './engine';
import { BEST_TIME_DEFAULTS, bestReleaseTime } from './best-time';
import type { Journey } from '../../../protocol/config/journeys';
import type { SiteConfig } from '../../../protocol/config/site';
import type { EmailSender } from '../email/deliver';

/** The journeys' states as read at the start of a run (one query) and kept current by its saves. */
type States = Map<string, JourneyState>;

/** Longer than a delivery attempt can take (retry.ts DELIVERY_TIMEOUT_MS). */
const LEASE_MS = 2 * 60_000;

/** What the runtime needs from its Durable Object. */
export type JourneyHost = {
  store: ProfileStore;
  site: () => string;
  visitorId: () => string;
  /** The profile's facts now (branch conditions); traits set by the run are overlaid. */
  facts: () => Facts;
  /** Records one attempt in the site-level delivery log (the site's SiteAdmin); failures are only logged. */
  logAttempt: (attempt: DeliveryAttempt) => Promise<void>;
  /** The fetch behind the guarded fetch (net/guarded-fetch.ts). */
  fetcher: typeof fetch;
  /** The local demo's sink on http://127.0.0.1 may be sent to (WM_DEMO only). */
  allowLocalDemo: boolean;
  /** Disables a webhook whose receiver answered 410 Gone (through the admin write path); failures are only logged. */
  disableWebhook: (webhook: string, reason: string) => Promise<void>;
  /** The e-mail outbox and its sender (email/deliver.ts). */
  emails: EmailSender;
  /** Best time (best-time.ts): the visitor's activity times, newest first, and the zone to read them in. */
  activity: (limit: number) => { history: number[]; timeZone: string };
};

export class JourneyRuntime {
  constructor(private readonly host: JourneyHost) {}

  private get tables() {
    return this.host.store.journeys;
  }

  private apply(journey: Journey, effect: Effect, now: number): void {
    switch (effect.kind) {
      case 'message':
        this.tables.grant(effect.message, effect.journey, effect.step, now);
        break;
      case 'setTrait':
        this.host.store.setTrait(effect.key, effect.value, now);
        break;
      case 'webhook': {
        // A visitor who declined personalization is not handed to marketing tools: no payload
        // with their traits leaves the edge (the step still advances, so the journey goes on).
        if (this.host.store.consent()?.personalization === false) break;
        const id = crypto.randomUUID();
        const traits = this.host.store.keyValues('traits', true);
        // A snapshot of the moment; formatted and signed per attempt with the endpoint's current settings.
        const event: JourneyWebhookEvent = {
          deliveryId: id,
          site: this.host.site(),
          journey: { id: journey.id, name: journey.name },
          step: effect.step,
          visitor: { id: this.host.visitorId(), userId: this.host.store.userId(), traits },
          at: now,
        };
        this.tables.enqueueWebhook(id, effect.webhook, effect.journey, effect.step, JSON.stringify(event), now);
        break;
      }
      case 'email':
        // Queued; address, consent, suppression and the cap are checked when it is sent (email/policy.ts).
        this.host.emails.enqueue(effect.template, effect.journey, effect.step, now);
        break;
    }
  }

  /**
   * Best time: a due `wait` step with `until: 'best-hour'` is released only from the visitor's usual
   * active hour on (best-time.ts), counted from the end of its minutes; until then it holds, its
   * wake moved to that hour. Recomputed at every wake, so newer events count and the hold ends by
   * a day after the minutes at most. True when it holds (the engine is not asked).
   */
  private holdForBestHour(journey: Journey, state: JourneyState | null, trigger: Trigger, states: States): boolean {
    if (trigger.kind !== 'time' || state?.status !== 'active' || state.wakeAt === null || trigger.at < state.wakeAt || !journey.enabled) return false;
    const current = journey.steps.find((s) => s.id === state.step);
    if (current?.kind !== 'wait' || current.until !== 'best-hour') return false;
    const { history, timeZone } = this.host.activity(BEST_TIME_DEFAULTS.maxEvents);
    const release = bestReleaseTime({ history, timeZone, earliest: state.stepSince + current.minutes * 60_000 });
    if (release.at <= trigger.at) {
      this.tables.writeLog([{ at: trigger.at, journey: journey.id, step: current.id, what: `best time: ${release.why}` }]);
      return false;
    }
    if (release.at !== state.wakeAt) {
      this.save(states, { ...state, wakeAt: release.at }, journey.name);
      this.tables.writeLog([{ at: trigger.at, journey: journey.id, step: current.id, what: `best time: ${release.why}` }]);
    }
    return true;
  }

  /** Saves a journey's state, in the table and in the states read for this run. */
  private save(states: States, state: JourneyState, name: string): void {
    this.tables.save(state, name);
    states.set(state.journey, state);
  }

  private step(journey: Journey, trigger: Trigger, states: States): void {
    const before = states.get(journey.id) ?? null;
    if (this.holdForBestHour(journey, before, trigger, states)) return;
    const evaluateNow = (condition: Condition, pending: Readonly<Record<string, string | number | boolean>>) => {
      const facts = this.host.facts();
      return evaluate(condition, { ...facts, now: trigger.at, traits: { ...facts.traits, ...pending } });
    };
    const result = advance(journey, before, trigger, evaluateNow);
    if (result.state && result.state !== before) this.save(states, result.state, journey.name);
    for (const effect of result.effects) this.apply(journey, effect, trigger.at);
    // Reaching the goal makes the journey's pending messages moot (no cart reminder after the purchase).
    if (before?.status === 'active' && result.state?.status === 'converted') this.tables.dropGrantsOf(journey.id);
    this.tables.writeLog(result.log);
  }

  /** Newly stored events, in order: goals, awaited events, entries; a shown message uses up its grant. */
  onEvents(journeys: readonly Journey[], events: readonly { name: string; at: number; message?: string }[]): void {
    if (events.length === 0) return;
    const states = journeys.length > 0 ? this.tables.loadAll() : new Map<string, JourneyState>();
    for (const e of events) {
      if (e.name === 'message_impression' && e.message) this.tables.useGrant(e.message);
      for (const journey of journeys) this.step(journey, { kind: 'event', name: e.name, at: e.at }, states);
    }
  }

  /**
   * Segment entries recorded since the last call (segment_log) can start journeys. Looked up only
   * after the store wrote one (`segmentEntries`): most batches enter no segment.
   */
  onSegmentEntries(journeys: readonly Journey[]): void {
    const { segmentEntries } = this.host.store;
    const mark = segmentEntries.mark();
    if (mark === null) return;
    const entries = this.tables.segmentEntriesSinceCursor();
    if (entries.length > 0) {
      if (journeys.some((j) => 'segmentEntered' in j.entry)) {
        const states = this.tables.loadAll();
        for (const e of entries) for (const journey of journeys) this.step(journey, { kind: 'segment', segment: e.segment, at: e.at }, states);
      }
      this.tables.moveSegmentCursor(entries[entries.length - 1]!.seq);
    }
    segmentEntries.seenUpTo(mark);
  }

  /** Waits that are due end now. Journeys no longer in the config let their visitors go. */
  onTime(journeys: readonly Journey[], now: number): void {
    const due = this.tables.dueStates(now);
    if (due.length === 0) return;
    const states = new Map(due.map((row) => [row.journey, toState(row)]));
    const byId = new Map(journeys.map((j) => [j.id, j]));
    for (const row of due) {
      const journey = byId.get(row.journey);
      if (journey) {
        this.step(journey, { kind: 'time', at: now }, states);
      } else {
        this.tables.save({ ...toState(row), status: 'exited', wakeAt: null, waitingFor: null, endedAt: now }, row.name);
        this.tables.writeLog([{ at: now, journey: row.journey, step: row.step, what: 'left: the journey was deleted' }]);
      }
    }
  }

  /** Messages journeys granted this visitor (id → journey name), for message selection. */
  grants(now: number): Map<string, string> {
    return this.tables.grants(now);
  }

  /** The earliest wait or pending delivery, for the alarm; null when nothing is due. */
  nextWake(): number | null {
    const times = [this.tables.nextWake(), this.host.emails.nextDue()].filter((t): t is number => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /** Sends the queued e-mails that are due (email/deliver.ts); in the alarm, after the webhooks. */
  async deliverEmails(config: SiteConfig, now: () => number): Promise<void> {
    await this.host.emails.deliverDue(config, now);
  }

  /**
   * Delivers the queued webhooks that are due, one attempt each, recording every attempt here
   * and in the site's log. Runs in the alarm; a delivery is marked before its fetch, so an ingest
   * that interleaves while the request is in flight cannot send it twice.
   */
  async deliverDue(webhooks: readonly Webhook[], now: () => number): Promise<void> {
    const due = this.tables.dueDeliveries(now());
    const byId = new Map(webhooks.map((w) => [w.id, w]));
    for (const row of due) {
      const attempt = row.attempts + 1;
      // A lease: if the object dies during the request, the delivery is tried again after it.
      this.tables.leaseDelivery(row.id, attempt, now() + LEASE_MS);
      const webhook = byId.get(row.webhook);
      const at = now();
      // Parsed from what apply() wrote.
      const event = JSON.parse(row.event) as JourneyWebhookEvent;
      const result = !webhook
        ? { status: null, error: `webhook "${row.webhook}" is no longer configured`, durationMs: 0 }
        : !webhook.enabled
          ? { status: null, error: `webhook "${row.webhook}" is disabled`, durationMs: 0 }
          : await attemptDelivery(webhook, event, attempt, { now, fetcher: this.host.fetcher, allowLocalDemo: this.host.allowLocalDemo });
      const gone = !webhook || !webhook.enabled;
      const outcome = gone ? ({ kind: 'dead', reason: result.error ?? '' } as const) : afterAttempt(attempt, result, now());
      const status = outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'dead' ? 'dead' : 'pending';
      const nextAt = outcome.kind === 'retry' ? outcome.at : null;
      const error = outcome.kind === 'delivered' ? null : outcome.reason;
      this.tables.settleDelivery(row.id, status, nextAt, error);
      this.tables.recordAttempt({ delivery: row.id, attempt, at, outcome: outcome.kind, statusCode: result.status, durationMs: result.durationMs, error });
      await this.host.logAttempt({
        webhook: row.webhook,
        delivery: row.id,
        visitor: event.visitor.id,
        journey: row.journey,
        step: row.step,
        attempt,
        at,
        outcome: outcome.kind,
        statusCode: result.status,
        durationMs: result.durationMs,
        error,
        nextAt,
      });
      // 410 Gone: the receiver wants no more; the endpoint is switched off for every visitor.
      if (outcome.kind === 'dead' && 'disable' in outcome && outcome.disable) await this.host.disableWebhook(row.webhook, outcome.reason);
    }
  }
}
