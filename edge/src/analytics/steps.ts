/**
 * How report steps and stored events meet (pure): the SQL test for a step, a step's label, an
 * event's stored name and path, and a visitor's first-touch source.
 */
import type { PathStep, Step } from '../../../protocol/analytics';
import type { Utm, WireEvent } from '../../../protocol/wire';

/** Stored name: the track name, else the type ("page", "identify", …), like the rules engine counts them. */
export const storedName = (e: WireEvent): string => (e.type === 'track' ? e.name : e.type);

/** The path of an event's URL (no query string or fragment); "/" when it does not parse. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname || '/';
  } catch {
    return '/';
  }
}

/**
 * A SQL test that an `events` row (alias `alias`) is this step, with its bindings. Page prefixes
 * compare with substr rather than LIKE, so `%` and `_` in a path are not wildcards.
 */
export function stepSql(step: Step, alias: string): { sql: string; args: (string | number)[] } {
  if ('event' in step) return { sql: `${alias}.name = ?`, args: [step.event] };
  if (step.page === '/*') return { sql: `${alias}.name = 'page'`, args: [] };
  if (step.page.endsWith('/*')) {
    const base = step.page.slice(0, -2);
    const prefix = `${base}/`;
    return { sql: `(${alias}.name = 'page' AND (${alias}.path = ? OR substr(${alias}.path, 1, ?) = ?))`, args: [base, prefix.length, prefix] };
  }
  return { sql: `(${alias}.name = 'page' AND ${alias}.path = ?)`, args: [step.page] };
}

/**
 * The same test as stepSql, in JS, for a stored (name, path) (the funnel index, funnel-index.ts).
 * SQLite's substr counts characters (code points) while stepSql passes the prefix's UTF-16
 * length: mirrored here, so both agree even on paths outside the BMP.
 */
export function stepMatches(step: Step, name: string, path: string | null): boolean {
  if ('event' in step) return name === step.event;
  if (name !== 'page') return false;
  if (step.page === '/*') return true;
  if (path === null) return false;
  if (step.page.endsWith('/*')) {
    const base = step.page.slice(0, -2);
    const prefix = `${base}/`;
    return path === base || Array.from(path).slice(0, prefix.length).join('') === prefix;
  }
  return path === step.page;
}

export function stepLabel(step: Step): string {
  if (step.label) return step.label;
  return 'event' in step ? step.event : step.page;
}

/** A stored row as a path step. */
export const pathStep = (name: string, path: string | null): PathStep => (name === 'page' ? { page: path ?? '/' } : { event: name });

export type FirstTouch = { source: string; medium: string; campaign: string | null };

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * Where a visitor came from, by their first page view: UTM when present, else the referrer's host
 * (a referrer on the page's own host is internal navigation: direct), else direct.
 */
export function firstTouch(page: { url: string; ref?: string | undefined; utm?: Utm | undefined }): FirstTouch {
  const utm = page.utm;
  if (utm?.source || utm?.medium || utm?.campaign) {
    return { source: utm.source || '(not set)', medium: utm.medium || '(not set)', campaign: utm.campaign || null };
  }
  const refHost = hostOf(page.ref);
  if (refHost && refHost !== hostOf(page.url)) return { source: refHost.replace(/^www\./, ''), medium: 'referral', campaign: null };
  return { source: 'direct', medium: '(none)', campaign: null };
}
