/**
 * Evaluates a condition tree against the facts about one visitor and request, and explains the
 * outcome in words a marketer (and the site's developer) can read: edge decisions must be
 * explainable. Pure: the Durable Object supplies the facts, tests supply them by hand.
 */
import type { ConsentState, PrefValue, PropValue, Utm } from '../../../protocol/wire';
import { durationMs, type Comparison, type Condition, type Leaf, type Scalar } from '../../../protocol/config/conditions';
import { localeIn, normalizeLocale } from '../../../protocol/locale';

export type Device = 'mobile' | 'tablet' | 'desktop';

export type RequestFacts = {
  url?: string;
  referrer?: string;
  utm?: Utm;
  device?: Device;
  country?: string;
  region?: string;
  /**
   * The visitor's languages, most wanted first: navigator.language (snippet mode's decide request),
   * then Accept-Language; normalized tags (protocol/locale.ts).
   */
  languages?: string[];
  /** The page's own `lang`, when the request says it (snippet mode's decide request); '' for a page without one. */
  pageLang?: string;
};

/** Counts of the visitor's events; the Durable Object answers from SQLite. */
export interface EventHistory {
  /** Events named `name` (track name, or the type for page/identify/prefs) at or after `sinceTs`. */
  count(name: string, sinceTs: number | null): number;
  /** When the latest event named `name` happened, or null. */
  last(name: string): number | null;
  /** Times of all events (any name) strictly after `ts`, ascending. */
  timesAfter(ts: number): number[];
}

export type Facts = {
  now: number;
  traits: Record<string, PropValue>;
  prefs: Record<string, PrefValue>;
  consent: ConsentState | null;
  userId: string | null;
  /** Seen in an earlier session. */
  returning: boolean;
  history: EventHistory;
  request: RequestFacts;
};

export type Outcome = { matched: boolean; why: string };

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));
const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

/** One scalar against one comparison. Strings compare case-insensitively. */
function compareScalar(actual: unknown, test: Exclude<Comparison, { op: 'exists' | 'missing' }>): boolean {
  const a = norm(actual);
  switch (test.op) {
    case 'eq':
      return a === norm(test.value);
    case 'neq':
      return a !== norm(test.value);
    case 'in':
      return test.value.some((v: Scalar) => norm(v) === a);
    case 'nin':
      return !test.value.some((v: Scalar) => norm(v) === a);
    case 'contains':
      return typeof a === 'string' && a.includes(test.value.toLowerCase());
    case 'starts_with':
      return typeof a === 'string' && a.startsWith(test.value.toLowerCase());
    case 'ends_with':
      return typeof a === 'string' && a.endsWith(test.value.toLowerCase());
    case 'gt':
      return typeof actual === 'number' && actual > test.value;
    case 'gte':
      return typeof actual === 'number' && actual >= test.value;
    case 'lt':
      return typeof actual === 'number' && actual < test.value;
    case 'lte':
      return typeof actual === 'number' && actual <= test.value;
  }
}

/** Arrays (multi-choice prefs) match when any element does; negative tests when none fails. */
export function compare(actual: unknown, test: Comparison): boolean {
  if (test.op === 'exists') return actual !== undefined && actual !== null && actual !== '';
  if (test.op === 'missing') return actual === undefined || actual === null || actual === '';
  if (Array.isArray(actual)) {
    const negative = test.op === 'neq' || test.op === 'nin';
    return negative ? actual.every((v) => compareScalar(v, test)) : actual.some((v) => compareScalar(v, test));
  }
  return compareScalar(actual, test);
}

function describeTest(test: Comparison): string {
  return 'value' in test ? `${test.op.replace('_', ' ')} ${show(test.value)}` : test.op;
}

/** A part of a URL, or undefined when there is no URL or it does not parse. */
function urlPart(url: string | undefined, part: 'hostname' | 'pathname'): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url)[part];
  } catch {
    return undefined;
  }
}

function leaf(l: Leaf, f: Facts): Outcome {
  const tested = (label: string, actual: unknown, test: Comparison): Outcome => ({
    matched: compare(actual, test),
    why: `${label} ${describeTest(test)} (is ${show(actual)})`,
  });
  if ('trait' in l) return tested(`trait ${l.trait}`, f.traits[l.trait], l.test);
  if ('pref' in l) return tested(`pref ${l.pref}`, f.prefs[l.pref], l.test);
  if ('consent' in l) {
    const given = f.consent?.[l.consent] ?? false;
    return { matched: given, why: `${l.consent} consent ${given ? 'given' : 'not given'}` };
  }
  if ('event' in l) {
    const since = l.within ? f.now - durationMs(l.within) : null;
    const n = f.history.count(l.event, since);
    const min = l.min ?? (l.max === undefined ? 1 : 0);
    const matched = n >= min && (l.max === undefined || n <= l.max);
    const range = l.max === undefined ? `at least ${min}` : l.max === min ? `exactly ${min}` : `${min} to ${l.max}`;
    return { matched, why: `${range} "${l.event}"${l.within ? ` in the last ${l.within}` : ''} (was ${n})` };
  }
  if ('inactiveAfter' in l) {
    const after = `after "${l.inactiveAfter}"`;
    const t = f.history.last(l.inactiveAfter);
    if (t === null) return { matched: false, why: `no "${l.inactiveAfter}" yet` };
    if (l.unless && f.history.count(l.unless, t) > 0) return { matched: false, why: `"${l.unless}" came ${after}` };
    // Idle means some gap of `minutes` between the event, the visitor's later events, and now.
    const times = [t, ...f.history.timesAfter(t), f.now];
    const idle = times.some((time, i) => i > 0 && time - times[i - 1]! >= l.minutes * 60_000);
    return { matched: idle, why: idle ? `idle ${l.minutes} min ${after}` : `not idle ${l.minutes} min ${after} yet` };
  }
  if ('page' in l) {
    const url = f.request.url;
    return tested(`page ${l.page}`, l.page === 'url' ? url : urlPart(url, 'pathname'), l.test);
  }
  if ('referrer' in l) {
    const ref = f.request.referrer || undefined;
    return tested(`referrer ${l.referrer}`, l.referrer === 'url' ? ref : urlPart(ref, 'hostname'), l.test);
  }
  if ('utm' in l) return tested(`utm_${l.utm}`, f.request.utm?.[l.utm], l.test);
  if ('device' in l) return { matched: f.request.device === l.device, why: `device is ${l.device} (is ${show(f.request.device)})` };
  if ('geo' in l) return tested(l.geo, f.request[l.geo], l.test);
  if ('visitor' in l) {
    const is = f.returning ? 'returning' : 'new';
    return { matched: is === l.visitor, why: `${l.visitor} visitor (is ${is})` };
  }
  if ('everyone' in l) return { matched: true, why: 'everyone' };
  if ('locale' in l) {
    const locale = visitorLocale(f);
    return { matched: localeIn(locale, l.locale.in), why: `locale in ${show(l.locale.in)} (is ${show(locale ?? undefined)})` };
  }
  const identified = f.userId !== null;
  return { matched: identified === l.identified, why: `${l.identified ? 'identified' : 'anonymous'} (is ${identified ? 'identified' : 'anonymous'})` };
}

/**
 * The visitor's locale for the `locale` condition: their most wanted language, else their `locale`
 * trait. Not the page's lang: that describes the page (it picks the content's text), and proxy
 * mode decides before the page arrives, so a condition on it could not mean the same in both modes.
 */
export function visitorLocale(f: Pick<Facts, 'traits' | 'request'>): string | null {
  const trait = f.traits['locale'];
  return normalizeLocale(f.request.languages?.[0]) ?? normalizeLocale(typeof trait === 'string' ? trait : null);
}

/**
 * Evaluates with short-circuit, and says why: for a match, the tests that made it; for a miss,
 * the first test that failed.
 */
export function evaluate(condition: Condition, facts: Facts): Outcome {
  if ('all' in condition) {
    const reasons: string[] = [];
    for (const c of condition.all) {
      const o = evaluate(c, facts);
      if (!o.matched) return o;
      reasons.push(o.why);
    }
    return { matched: true, why: reasons.join(' and ') };
  }
  if ('any' in condition) {
    const misses: string[] = [];
    for (const c of condition.any) {
      const o = evaluate(c, facts);
      if (o.matched) return o;
      misses.push(o.why);
    }
    return { matched: false, why: `none of: ${misses.join('; ')}` };
  }
  if ('not' in condition) {
    const o = evaluate(condition.not, facts);
    return { matched: !o.matched, why: `not (${o.why})` };
  }
  return leaf(condition, facts);
}

/** A rough device class from the User-Agent (Client Hints' Sec-CH-UA-Mobile wins when sent). */
export function deviceFromHeaders(userAgent: string | undefined, chMobile?: string | null): Device {
  if (chMobile === '?1') return 'mobile';
  const ua = userAgent ?? '';
  if (/iPad|Tablet|PlayBook|Silk|(Android(?!.*Mobile))/i.test(ua)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android.*Mobile|Windows Phone|Opera Mini/i.test(ua)) return 'mobile';
  return 'desktop';
}
