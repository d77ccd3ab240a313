/**
 * SiteDestinations: one Durable Object per site (named by the site id) holding its destinations'
 * outbox, delivery log and write-only secrets (tables in outbox.ts, delivery-log.ts, secrets.ts;
 * README.md). The analytics queue consumer hands it each stored batch (`enqueue`, an SQL insert:
 * the consumer never waits on a provider); its alarm sends what is due, retries with the webhook
 * schedule (429, 5xx, network errors; Retry-After honoured), and dead-letters what cannot succeed.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Destination } from '../../../protocol/config/destinations';
import { DESTINATION_SECRETS, filterName } from '../../../protocol/config/destinations';
import type { DeadLettersResponse, DestinationLogEntry, DestinationStatus, SecretView, TestSendResponse } from '../../../protocol/destinations';
import type { SiteConfig } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import { isDemo } from '../http/site-context';
import { MigratedSql } from '../storage/migrations';
import { attemptRequest, type AttemptOptions } from '../net/attempt';
import { DeliveryLog, LOG_MIGRATION } from './delivery-log';
import { deliverDue, missingSecrets } from './deliver';
import { accepts, type BatchConsent } from './forward';
import { OUTBOX_MIGRATION, Outbox } from './outbox';
import { DestinationSecrets, SECRETS_MIGRATION, secretView } from './secrets';
import { providerOf } from './providers';
import type { ForwardEvent } from './providers/common';
import type { WireEvent } from '../../../protocol/wire';

export const SITE_DESTINATIONS_MIGRATIONS = [OUTBOX_MIGRATION + LOG_MIGRATION + SECRETS_MIGRATION] as const;

/** Events per destination handled by one alarm run; more are picked up by the next, at once. */
export const RUN_LIMIT = 2_000;

/** One stored batch of one visitor, as the queue consumer hands it over. */
export type HandOff = { visitorId: string; userId: string | null; receivedAt: number; events: WireEvent[]; consent?: BatchConsent };

export class SiteDestinations extends DurableObject<Env> {
  private readonly db = new MigratedSql(this.ctx.storage, SITE_DESTINATIONS_MIGRATIONS);
  private readonly outbox = new Outbox(this.db);
  private readonly log = new DeliveryLog(this.db);
  private readonly secrets = new DestinationSecrets(this.db);
  private readonly store = new SiteStore(this.env.CONFIG);

  /** The site this object serves, remembered for the alarm (which has no caller to say it). */
  private site: string | null = null;

  private async remember(site: string): Promise<void> {
    if (this.site === site) return;
    await this.ctx.storage.put('site', site);
    this.site = site;
  }

  private async config(site: string): Promise<SiteConfig | null> {
    await this.remember(site);
    return this.store.get(site).catch(() => null);
  }

  private options(excerptChars = 0): AttemptOptions {
    return { now: Date.now, fetcher: (input, init) => fetch(input, init), allowLocalDemo: isDemo(this.env), excerptChars };
  }

  /** Stored batches to each destination that accepts their events; due at once. Returns the rows added. */
  async enqueue(site: string, batches: HandOff[]): Promise<number> {
    const config = await this.config(site);
    const destinations = config?.destinations.filter((d) => d.enabled) ?? [];
    const now = Date.now();
    let added = 0;
    for (const d of destinations) {
      const rows: { forward: ForwardEvent; name: string }[] = [];
      for (const b of batches) {
        for (const event of b.events) {
          if (accepts(d, event, b.consent))
            rows.push({ forward: { event, visitorId: b.visitorId, userId: b.userId, receivedAt: b.receivedAt }, name: filterName(event) });
        }
      }
      added += this.outbox.add(d.id, rows, now);
    }
    if (added) await this.schedule(now);
    return added;
  }

  /** DELETE /_wm/me: the visitor's events still waiting are not sent. */
  async erase(visitorId: string): Promise<number> {
    return this.outbox.dropVisitor(visitorId);
  }

  private async schedule(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    const site = await this.ctx.storage.get<string>('site');
    if (site) await this.deliverDue(site, Date.now());
  }

  /** Sends everything due at `now` (the alarm; tests pass a later `now` to skip a backoff), then sets the next alarm. */
  async deliverDue(site: string, now: number): Promise<void> {
    const config = await this.config(site);
    let more = false;
    for (const id of this.outbox.dueDestinations(now)) {
      const destination = config?.destinations.find((d) => d.id === id);
      if (!destination || !destination.enabled) {
        const dropped = this.outbox.dropPending(id);
        if (destination) this.log.record(id, entry(now, dropped, 1, 'dead', null, 0, 'destination disabled: pending events dropped', null, false));
        continue;
      }
      const due = this.outbox.due(id, now, RUN_LIMIT);
      if (due.length === RUN_LIMIT) more = true;
      const report = await deliverDue(destination, due, this.secrets.get(id), this.options());
      const at = Date.now();
      for (const r of report.refused) {
        this.outbox.dead(id, r.eventIds, r.reason, at, false);
        this.log.record(id, entry(at, r.eventIds.length, 1, 'dead', null, 0, r.reason, null, false));
      }
      for (const r of report.requests) {
        const { outcome, result } = r;
        if (outcome.kind === 'delivered') this.outbox.sent(id, r.eventIds, at);
        else if (outcome.kind === 'retry') this.outbox.retry(id, r.eventIds, outcome.at, outcome.reason, at);
        else this.outbox.dead(id, r.eventIds, outcome.reason, at);
        // Held-back requests (attempt 0) were never sent: nothing to log.
        if (r.attempt > 0) {
          const error = outcome.kind === 'delivered' ? null : outcome.reason;
          this.log.record(
            id,
            entry(
              r.at,
              r.eventIds.length,
              r.attempt,
              outcome.kind,
              result.status,
              result.durationMs,
              error,
              outcome.kind === 'retry' ? outcome.at : null,
              false,
            ),
          );
        }
      }
    }
    this.outbox.prune(now);
    const next = more ? Date.now() : this.outbox.nextDue();
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }

  /** Each destination's secret views (set, last 4) and status. */
  async overview(destinations: Destination[]): Promise<Record<string, { secrets: Record<string, SecretView>; status: DestinationStatus }>> {
    const since = Date.now() - 7 * 86_400_000;
    return Object.fromEntries(destinations.map((d) => [d.id, { secrets: this.secretViews(d), status: this.status(d.id, since) }]));
  }

  private secretViews(destination: Destination): Record<string, SecretView> {
    const stored = this.secrets.get(destination.id);
    return Object.fromEntries(DESTINATION_SECRETS[destination.kind].map((name) => [name, secretView(stored[name])]));
  }

  private status(id: string, since: number): DestinationStatus {
    const last = this.log.last(id);
    return {
      pending: this.outbox.count(id, 'pending'),
      dead: this.outbox.count(id, 'dead'),
      delivered: this.log.delivered(id, since),
      lastAttemptAt: last?.at ?? null,
      lastOutcome: last?.outcome ?? null,
      lastError: last?.error ?? null,
    };
  }

  async setSecrets(id: string, secrets: Record<string, string>): Promise<void> {
    this.secrets.set(id, secrets, Date.now());
  }

  /** A deleted destination: its secrets, outbox and log go too. */
  async forget(id: string): Promise<void> {
    this.secrets.drop(id);
    this.outbox.dropDestination(id);
    this.log.drop(id);
  }

  async deliveryLog(id: string, limit: number): Promise<DestinationLogEntry[]> {
    return this.log.entries(id, limit);
  }

  async deadLetters(id: string, limit: number): Promise<DeadLettersResponse> {
    const { rows, total } = this.outbox.deadLetters(id, limit);
    return {
      deadLetters: rows.map((r) => ({
        eventId: r.event_id,
        name: r.name,
        visitorId: r.visitor,
        at: r.event_ts,
        attempts: r.attempts,
        error: r.error,
        deadAt: r.updated_at,
      })),
      total,
    };
  }

  async replay(site: string, id: string, eventIds: string[] | undefined): Promise<number> {
    await this.remember(site);
    const now = Date.now();
    const n = this.outbox.replay(id, eventIds, now);
    if (n) await this.schedule(now);
    return n;
  }

  /** One synthetic track event `waymark_test` to the destination now, outside the outbox; logged as a test. */
  async sendTest(destination: Destination, event: ForwardEvent): Promise<TestSendResponse> {
    const secrets = this.secrets.get(destination.id);
    const missing = missingSecrets(destination, secrets);
    const eventId = event.event.id;
    if (missing.length) return { ok: false, status: null, latencyMs: 0, error: `secret ${missing.join(', ')} not set`, bodyExcerpt: '', eventId };
    const provider = providerOf(destination);
    const req = await provider.request([provider.map(event, destination)], destination, secrets, Date.now());
    const result = await attemptRequest(req.url, { method: 'POST', headers: req.headers, body: req.body }, this.options(500));
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const error = ok ? null : (result.error ?? `HTTP ${result.status}`);
    this.log.record(destination.id, entry(Date.now(), 1, 1, ok ? 'delivered' : 'dead', result.status, result.durationMs, error, null, true));
    return { ok, status: result.status, latencyMs: result.durationMs, error, bodyExcerpt: result.bodyExcerpt ?? '', eventId };
  }
}

function entry(
  at: number,
  events: number,
  attempt: number,
  outcome: DestinationLogEntry['outcome'],
  status: number | null,
  latencyMs: number,
  error: string | null,
  nextAt: number | null,
  test: boolean,
): DestinationLogEntry {
  return { at, events, attempt, outcome, status, latencyMs: Math.max(0, Math.round(latencyMs)), error, nextAt, test };
}
