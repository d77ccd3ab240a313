/**
 * Reading a config that was stored under older rules, or written by hand into KV. The write path
 * refuses what the current schema refuses (site-edit, SiteStore.put); a stored config may still
 * break a rule added since (an unsafe slot target, a third-party content host, a webhook URL the
 * SSRF guard refuses). Failing the whole site then would answer every visitor with a 5xx, so
 * the items that break a rule are left out (a slot, a variant, a message, a webhook, a journey,
 * a segment) and the rest serves: the unsafe part never renders, and the site keeps working.
 * Problems outside those lists (an origin, the site id) still make the config invalid.
 */
import { siteConfigSchema, type SiteConfig } from './site';

/** Lists whose items can be left out one by one; `variants` inside slots and messages first. */
const ITEM_LISTS = new Set(['slots', 'messages', 'webhooks', 'journeys', 'segments']);
/** A segment left out can make others invalid (a slot naming it): a few rounds settle it. */
const MAX_ROUNDS = 8;

export type StoredConfig = { ok: true; config: SiteConfig; leftOut: string[] } | { ok: false; issues: string[] };

type Path = readonly PropertyKey[];

/** The item an issue belongs to: [list, index] or [list, index, 'variants', index]; null if none. */
function itemOf(path: Path): Path | null {
  const [list, index, inner, innerIndex] = path;
  if (typeof list !== 'string' || !ITEM_LISTS.has(list) || typeof index !== 'number') return null;
  if (inner === 'variants' && typeof innerIndex === 'number' && (list === 'slots' || list === 'messages')) return [list, index, inner, innerIndex];
  return [list, index];
}

/** Removes the items at `paths` from a deep copy of `raw` (highest index first, so indexes hold). */
function without(raw: Record<string, unknown>, paths: Path[]): Record<string, unknown> {
  const copy = structuredClone(raw);
  const keyed = [...new Map(paths.map((p) => [p.join('.'), p])).values()];
  keyed.sort((a, b) => b.length - a.length || Number(b[b.length - 1]) - Number(a[a.length - 1]));
  for (const path of keyed) {
    let list: unknown = copy;
    for (const key of path.slice(0, -1)) list = (list as Record<PropertyKey, unknown>)?.[key];
    if (Array.isArray(list)) list.splice(Number(path[path.length - 1]), 1);
  }
  return copy;
}

const describe = (path: Path, raw: Record<string, unknown>): string => {
  let item: unknown = raw;
  for (const key of path) item = (item as Record<PropertyKey, unknown>)?.[key];
  const id = (item as { id?: unknown } | undefined)?.id;
  return `${path.join('.')}${typeof id === 'string' ? ` ("${id}")` : ''}`;
};

/** The stored config as the edge may use it, with what was left out and why. */
export function readStoredConfig(raw: unknown): StoredConfig {
  let current = raw;
  const leftOut: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parsed = siteConfigSchema.safeParse(current);
    if (parsed.success) return { ok: true, config: parsed.data, leftOut };
    const issues = parsed.error.issues;
    const items = issues.map((issue) => itemOf(issue.path));
    if (typeof current !== 'object' || current === null || Array.isArray(current) || items.some((item) => item === null)) {
      return { ok: false, issues: issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`) };
    }
    const record = current as Record<string, unknown>;
    issues.forEach((issue, i) => leftOut.push(`${describe(items[i]!, record)}: ${issue.message}`));
    current = without(record, items as Path[]);
  }
  return { ok: false, issues: ['the config still breaks the rules after leaving out the items that break them'] };
}
