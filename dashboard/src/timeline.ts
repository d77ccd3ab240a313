/** A visitor's stored events as a marketer reads them: grouped by session, newest first, in words. Pure. */
import type { StoredEvent } from '../../protocol/wire';

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
  const s = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
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
    case 'prefs':
      return `Told us ${Object.entries(e.prefs).map(([k, v]) => `${k} = ${show(v)}`).join(', ')}`;
    case 'consent':
      return `Consent: analytics ${e.consent.analytics ? 'yes' : 'no'}, personalization ${e.consent.personalization ? 'yes' : 'no'}`;
  }
}

/** The details worth a second line: props, traits, UTM, referrer. */
export function eventDetails(e: StoredEvent): [string, string][] {
  const out: [string, string][] = [];
  const skip = e.type === 'track' && /^message_|^survey_answer$/.test(e.name) ? new Set(['message', 'value']) : new Set<string>();
  const props = (e.type === 'track' || e.type === 'page' ? e.props : e.type === 'identify' ? e.traits : undefined) ?? {};
  for (const [k, v] of Object.entries(props)) if (!skip.has(k)) out.push([k, show(v)]);
  if (e.utm) for (const [k, v] of Object.entries(e.utm)) if (v) out.push([`utm_${k}`, String(v)]);
  if (e.ref) out.push(['referrer', e.ref]);
  return out;
}
