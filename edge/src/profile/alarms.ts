/**
 * The object's one alarm, shared by inactivity waits, journey waits and webhook deliveries: each
 * scheduler moves it earlier when it has something due sooner; the alarm does all three and sets
 * itself to the earliest that is left.
 */
import type { WireEvent } from '../../../protocol/wire';
import type { Segment } from '../../../protocol/config/personalization';
import type { SiteConfig } from '../../../protocol/config/site';
import { inactivityLeaves } from '../../../protocol/config/conditions';
import type { ProfileHost } from './context';
import { decideNow } from './decisions';
import { loadSiteConfig, storedConfig } from './site-config';
import { INACTIVITY_WATCHED } from './store/meta-keys';

/** Without the site's config nothing can advance: try again this much later rather than spin. */
const CONFIG_RETRY_MS = 5 * 60_000;

export const eventName = (e: WireEvent) => (e.type === 'track' ? e.name : e.type);

const watchedSegments = (segments: readonly Segment[]) => segments.filter((segment) => inactivityLeaves(segment.condition).length > 0);

async function alarmNoLaterThan(host: ProfileHost, at: number): Promise<void> {
  const current = await host.ctx.storage.getAlarm();
  if (current === null || at < current) await host.ctx.storage.setAlarm(at);
}

/**
 * An event that an inactivity condition waits on (e.g. add_to_cart, 30 minutes) sets an alarm
 * for when that time has passed, so the segment entry is recorded then, not at the next visit.
 */
export async function scheduleInactivity(host: ProfileHost, segments: readonly Segment[], stored: readonly WireEvent[]): Promise<void> {
  let due = Infinity;
  for (const segment of watchedSegments(segments)) {
    for (const leaf of inactivityLeaves(segment.condition)) {
      for (const event of stored) {
        if (eventName(event) === leaf.inactiveAfter) due = Math.min(due, Math.min(event.ts, Date.now()) + leaf.minutes * 60_000 + 1_000);
      }
    }
  }
  if (due === Infinity) return;
  host.store.addInactivityDue(due);
  host.store.setMeta(INACTIVITY_WATCHED, '1');
  await alarmNoLaterThan(host, due);
}

/**
 * Moves the alarm earlier when a journey waits or a webhook or e-mail is queued before it. Only
 * after such a write (`wakeWrites`): without one the alarm already covers every wake, and most
 * batches write none, so they skip the three MIN() queries and the alarm's read.
 */
export async function scheduleJourneys(host: ProfileHost): Promise<void> {
  const { wakeWrites } = host.store;
  const mark = wakeWrites.mark();
  if (mark === null) return;
  const wake = host.journeys.nextWake();
  if (wake !== null) await alarmNoLaterThan(host, wake);
  wakeWrites.seenUpTo(mark);
}

/** The config version the object last worked with, or null when it cannot be loaded now. */
export async function alarmConfig(host: ProfileHost): Promise<SiteConfig | null> {
  const ref = storedConfig(host.store);
  try {
    return ref ? await loadSiteConfig(host.env.CONFIG, ref) : null;
  } catch (e) {
    console.error(`alarm: site ${ref?.site ?? '?'} has no valid config`, e);
    return null;
  }
}

/**
 * The alarm's work at `now` with the site's config (null: it could not be loaded): inactivity
 * segment entries are recorded (shown on the visitor's next page), then journeys advance on
 * them and on their waits, and due webhooks are delivered.
 */
export async function runAlarm(host: ProfileHost, config: SiteConfig | null, now: number): Promise<void> {
  const { store, journeys } = host;
  store.dropDueInactivity(now);
  if (config && store.meta(INACTIVITY_WATCHED) !== undefined) {
    const rules = { segments: watchedSegments(config.segments), slots: [], messages: [], messageFatigue: { perDay: 0, minMinutesBetween: 0 } };
    decideNow(host, rules, { request: {}, personalize: false, now });
  }
  let journeysWake: number | null = now + CONFIG_RETRY_MS;
  if (config) {
    journeys.onSegmentEntries(config.journeys);
    journeys.onTime(config.journeys, now);
    await journeys.deliverDue(config.webhooks, Date.now);
    await journeys.deliverEmails(config, Date.now);
    const wake = journeys.nextWake();
    // A delivery due again at once (more than one batch queued) runs on the next alarm.
    journeysWake = wake === null ? null : Math.max(wake, Date.now());
  }
  const earliest = [store.nextInactivityDue(), journeysWake].filter((t): t is number => t !== null);
  if (earliest.length > 0) await host.ctx.storage.setAlarm(Math.min(...earliest));
}
