/**
 * Best time (pure): when a journey `wait` step with `until: 'best-hour'` releases the visitor.
 * After the wait's own minutes (`earliest`), it holds further until the visitor's usual active
 * hour: the hour of day, on the wall clock of the visitor's time zone, in which most of their own
 * stored events happened. Too little history (fewer than `minEvents` events, or events on fewer
 * than `minDays` distinct local days) gives no extra hold: the wait ends at `earliest`.
 * Nothing here reads storage or the clock (docs/journeys-and-webhooks.md, "Best time").
 */

export type BestTimeSettings = {
  /** At least this many events in the history... */
  minEvents: number;
  /** ...on at least this many distinct days (local), or there is no extra hold. */
  minDays: number;
  /** Only the newest events count (a habit changes). */
  maxEvents: number;
};

export const BEST_TIME_DEFAULTS: BestTimeSettings = { minEvents: 5, minDays: 2, maxEvents: 500 };

export type BestTimeInput = {
  /** When the visitor's own events happened (ms since epoch), any order. */
  history: readonly number[];
  /** IANA zone the hours are read in (the visitor's, else the fallback: see the runtime). */
  timeZone: string;
  /** The earliest release: the wait step's minutes after it started. */
  earliest: number;
  settings?: BestTimeSettings;
};

export type BestTime =
  | { kind: 'hold'; at: number; hour: number; why: string }
  | { kind: 'now'; at: number; hour: number; why: string }
  | { kind: 'fallback'; at: number; why: string };

const MINUTE = 60_000;
/** Steps the release is searched in: every zone's offset is a multiple of 15 minutes. */
const STEP = 15 * MINUTE;

// One formatter per zone for the isolate's life (Intl.DateTimeFormat is costly to build).
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // hourCycle h23: midnight is 0.
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local day (YYYY-MM-DD), hour and minute at `at` in `timeZone`. */
export function localTime(at: number, timeZone: string): { day: string; hour: number; minute: number } {
  const parts = formatter(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: `${part('year')}-${part('month')}-${part('day')}`, hour: Number(part('hour')) % 24, minute: Number(part('minute')) };
}

/** Events per local hour of day (24 counts) and the distinct local days they fall on. */
export function hourHistogram(history: readonly number[], timeZone: string): { hours: number[]; days: number } {
  const hours = new Array<number>(24).fill(0);
  const days = new Set<string>();
  for (const at of history) {
    const t = localTime(at, timeZone);
    hours[t.hour]!++;
    days.add(t.day);
  }
  return { hours, days: days.size };
}

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * The release time. The usual hour is the most frequent one; among tied hours, the one that comes
 * soonest from `earliest` (so a tie never holds longer than needed). Released at the start of that
 * local hour, the first one at or after `earliest` (at once if `earliest` is inside it). On a day
 * whose clock skips that hour (DST starts), the release is the first instant after the gap.
 */
export function bestReleaseTime(input: BestTimeInput): BestTime {
  const settings = input.settings ?? BEST_TIME_DEFAULTS;
  const newest = [...input.history].sort((a, b) => b - a).slice(0, settings.maxEvents);
  const { hours, days } = hourHistogram(newest, input.timeZone);
  if (newest.length < settings.minEvents || days < settings.minDays)
    return {
      kind: 'fallback',
      at: input.earliest,
      why: `too little history (${newest.length} events on ${days} days; needs ${settings.minEvents} on ${settings.minDays}): no extra hold`,
    };
  const top = Math.max(...hours);
  const start = localTime(input.earliest, input.timeZone);
  // Tied hours: the soonest from the local hour of `earliest` (its own hour first).
  const best = Array.from({ length: 24 }, (_, k) => (start.hour + k) % 24).find((h) => hours[h] === top)!;
  const usual = `usual active hour ${hh(best)} in ${input.timeZone} (${top} of ${newest.length} events)`;
  if (start.hour === best) return { kind: 'now', at: input.earliest, hour: best, why: `${usual}: released at once` };
  // Walk forward in quarter hours (48 h covers a full day and any DST change).
  let at = Math.ceil(input.earliest / STEP) * STEP;
  let previous = start;
  for (let n = 0; n < 48 * 4; n++, at += STEP) {
    const t = localTime(at, input.timeZone);
    const reached = t.hour === best && t.minute === 0;
    // The clock jumped over the hour (DST gap): the first instant after it.
    const skipped = t.day === previous.day && previous.hour < best && t.hour > best;
    if (reached || skipped) return { kind: 'hold', at, hour: best, why: `${usual}: held until ${new Date(at).toISOString()}` };
    previous = t;
  }
  // Unreachable for a real zone; never hold forever.
  return { kind: 'fallback', at: input.earliest, why: `no ${hh(best)} found in 48 h in ${input.timeZone}: no extra hold` };
}
