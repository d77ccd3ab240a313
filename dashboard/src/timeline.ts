/** A visitor's stored events as a marketer reads them: grouped by session, newest first, in words. Pure. */
import type { ProfileExport, ProfileJourney, StoredEvent } from '../../protocol/wire';

export type Session = { sid: string; start: number; end: number; events: StoredEvent[] };

/** The time an event happened: the earlier of the client's clock and the edge's receive time. */
export const eventTime = (e: StoredEvent): number => Math.min(e.ts, e.receivedAt);

/** Sessions newest first, each with its events newest first. */
export function sessions(events: readonly StoredEvent[]): Session[] {
  const by = new Map<string, StoredEvent[]>();
  for (const e of events) by.set(e.sid, [...(by.get(e.sid) ?? []), e]);
  return [...by.entries()]
    .map(([sid, list]) => {
      const sorted = [...list].sort((a, b) => eventTime(b) - eventTime(a));
      return { sid, start: eventTime(sorted[sorted.length - 1]!), end: eventTime(sorted[0]!), events: sorted };
    })
    .sort((a, b) => b.end - a.end);
}

/** "add_to_cart" -> "Add to cart". */
export const humanize = (name: string): string => {
  const s = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return s ? s[0]!.toUpperCase() + s.slice(1) : name;
};

const show = (v: unknown): string => (Array.isArray(v) ? v.map(show).join(', ') : typeof v === 'string' ? v : JSON.stringify(v));

export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** The headline of one event; `messageName` turns a message id into the name marketers gave it. */
export function eventTitle(e: StoredEvent, messageName: (id: string) => string = (id) => id): string {
  switch (e.type) {
    case 'page':
      return `Viewed ${e.title ? `“${e.title}”` : pathOf(e.url)}`;
    case 'track': {
      const p = (e.props ?? {}) as Record<string, unknown>;
      if (e.name === 'message_impression') return `Saw message “${messageName(show(p['message']))}”`;
      if (e.name === 'message_click') return `Clicked message “${messageName(show(p['message']))}”`;
      if (e.name === 'message_dismiss') return `Closed message “${messageName(show(p['message']))}”`;
      if (e.name === 'survey_answer') return `Answered survey “${messageName(show(p['message']))}”: ${show(p['value'])}`;
      return humanize(e.name);
    }
    case 'identify':
      return `Identified as ${e.userId}`;
    case 'alias':
      return `Aliased to ${e.userId}${e.previousId ? ` (was ${e.previousId})` : ''}`;
    case 'group':
      return `Joined group ${e.groupId}`;
    case 'prefs':
      return `Told us ${Object.entries(e.prefs)
        .map(([k, v]) => `${k} = ${show(v)}`)
        .join(', ')}`;
    case 'consent':
      return `Consent: analytics ${e.consent.analytics ? 'yes' : 'no'}, personalization ${e.consent.personalization ? 'yes' : 'no'}`;
  }
}

/** The details worth a second line: props, traits, UTM, referrer. */
export function eventDetails(e: StoredEvent): [string, string][] {
  const out: [string, string][] = [];
  const skip = e.type === 'track' && /^message_|^survey_answer$/.test(e.name) ? new Set(['message', 'value']) : new Set<string>();
  const props = (e.type === 'track' || e.type === 'page' ? e.props : e.type === 'identify' || e.type === 'group' ? e.traits : undefined) ?? {};
  for (const [k, v] of Object.entries(props)) if (!skip.has(k)) out.push([k, show(v)]);
  if (e.utm) for (const [k, v] of Object.entries(e.utm)) if (v) out.push([`utm_${k}`, String(v)]);
  if (e.ref) out.push(['referrer', e.ref]);
  return out;
}

/** How a journey's state reads on a profile: the pill's words, and its tone for the colour. */
export type JourneyStatusView = { tone: 'active' | 'waiting' | 'converted' | 'completed' | 'exited'; label: string };

/**
 * "waiting until 14:05" while a wait is still ahead; plain "active" once its time is due (the
 * alarm may be a moment late) or when there is no wait. `format` renders the time (locale: UI's).
 */
export function journeyStatus(j: ProfileJourney, now: number, format: (t: number) => string): JourneyStatusView {
  if (j.status !== 'active') return { tone: j.status, label: j.status };
  if (j.wakeAt !== null && j.wakeAt > now) return { tone: 'waiting', label: `waiting until ${format(j.wakeAt)}` };
  return { tone: 'active', label: 'active' };
}

/** Step kinds in a few words (the journey editor has the long forms). */
const STEP_KINDS: Record<string, string> = {
  message: 'message',
  setTrait: 'set trait',
  webhook: 'webhook',
  wait: 'wait',
  waitFor: 'wait for event',
  branch: 'branch',
  exit: 'exit',
};

/**
 * "tell-crm (webhook)" for a step id, with its kind when the journey's config (the site config
 * the dashboard holds) still has that step; just the id when it was edited away since.
 */
export function stepLabel(step: string | null, steps: readonly Record<string, unknown>[] | undefined): string {
  if (step === null) return '—';
  const kind = steps?.find((s) => s['id'] === step)?.['kind'];
  return typeof kind === 'string' ? `${step} (${STEP_KINDS[kind] ?? kind})` : step;
}

/** The most recent `limit` history entries, newest first, and how many older ones were left out. */
export function recentHistory(j: ProfileJourney, limit: number): { shown: ProfileJourney['history']; older: number } {
  const newestFirst = j.history
    .map((h, i) => ({ h, i }))
    .sort((a, b) => b.h.at - a.h.at || b.i - a.i)
    .map(({ h }) => h);
  return { shown: newestFirst.slice(0, limit), older: Math.max(0, newestFirst.length - limit) };
}

/** Journeys to show: running ones first, then the rest by when they last moved, newest first. */
export function sortJourneys(journeys: readonly ProfileJourney[]): ProfileJourney[] {
  const last = (j: ProfileJourney) => j.endedAt ?? j.since;
  return [...journeys].sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active') || last(b) - last(a) || a.id.localeCompare(b.id));
}

/** Who a profile belongs to: a user's golden record (several browsers), one identified browser, or anonymous. */
export type IdentityView = { kind: 'anonymous' } | { kind: 'user'; userId: string; devices: NonNullable<ProfileExport['linkedVisitors']> };

export function identityOf(p: Pick<ProfileExport, 'userId' | 'linkedVisitors'>): IdentityView {
  if (p.userId === null) return { kind: 'anonymous' };
  // Oldest link first: the browser that identified first heads the list.
  return { kind: 'user', userId: p.userId, devices: [...(p.linkedVisitors ?? [])].sort((a, b) => a.linkedAt - b.linkedAt) };
}
