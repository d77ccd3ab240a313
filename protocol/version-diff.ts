/**
 * A readable diff between two site configs (issue #12 point 3: "a numbered version with a readable
 * diff against the one before"). Per item of each collection: added, removed or changed, and for a
 * changed one every field (flattened to leaf paths like "Variants 1 › Content › Text") with its value
 * before and after; the site's own settings (name, origins, consent...) the same way.
 *
 * Pure and zod-free: the edge answers it (GET /sites/:site/draft, /versions/:version) and the
 * dashboard only renders it. Values are shown as short JSON texts, never as HTML.
 */

/** The item collections compared item by item (by id), in the order a diff lists them. */
export const DIFF_COLLECTIONS = ['segments', 'slots', 'messages', 'journeys', 'webhooks'] as const;
export type DiffCollection = (typeof DIFF_COLLECTIONS)[number];

const NOUNS: Record<DiffCollection, string> = { segments: 'segment', slots: 'slot', messages: 'message', journeys: 'journey', webhooks: 'webhook' };

/** One changed leaf: its path, a human label, and its value before and after (`null`: absent). */
export type FieldChange = { path: string; label: string; before: string | null; after: string | null };

export type ItemChange = {
  collection: DiffCollection;
  id: string;
  /** The item's name (after, or before when removed). */
  name: string;
  change: 'added' | 'removed' | 'changed';
  fields: FieldChange[];
};

export type ConfigDiff = {
  /** The site's own fields (everything but the collections and the version). */
  settings: FieldChange[];
  items: ItemChange[];
  /** One line: e.g. `changed slot "hero"; added segment "vip"`, or `no change`. */
  summary: string;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Loose = Record<string, unknown>;

/** The longest value text shown; longer ones end with an ellipsis. */
export const MAX_VALUE_CHARS = 200;

const LABELS: Record<string, string> = { id: 'Id', url: 'URL', html: 'HTML', cta: 'Call to action', ttl: 'TTL' };

/** `messageFatigue` → "Message fatigue"; an array index → its 1-based number. */
export function labelOf(segment: string): string {
  if (/^\d+$/.test(segment)) return String(Number(segment) + 1);
  if (LABELS[segment]) return LABELS[segment];
  const words = segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'null');
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** Leaf values by dotted path; empty objects and arrays are leaves themselves (so "[]" shows). */
export function flatten(value: unknown, prefix: string[] = [], out = new Map<string, { segments: string[]; value: unknown }>()) {
  const isContainer = typeof value === 'object' && value !== null;
  const entries = isContainer ? Object.entries(value as Loose) : [];
  if (!isContainer || entries.length === 0) {
    if (prefix.length > 0) out.set(prefix.join('.'), { segments: prefix, value });
    return out;
  }
  for (const [key, child] of entries) flatten(child, [...prefix, key], out);
  return out;
}

/** Every leaf that differs between `before` and `after` (either may be undefined: absent). */
export function fieldChanges(before: unknown, after: unknown, skip: ReadonlySet<string> = new Set()): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].filter((p) => !skip.has(p.split('.')[0]!));
  const changes: FieldChange[] = [];
  for (const path of paths) {
    const was = a.get(path);
    const now = b.get(path);
    if (was && now && JSON.stringify(was.value) === JSON.stringify(now.value)) continue;
    const segments = (now ?? was)!.segments;
    changes.push({ path, label: segments.map(labelOf).join(' › '), before: was ? shown(was.value) : null, after: now ? shown(now.value) : null });
  }
  return changes;
}

const itemsOf = (config: Loose | null, collection: DiffCollection): Loose[] => {
  const list = config?.[collection];
  return Array.isArray(list) ? (list as Loose[]) : [];
};

/** What changed from `before` (null: nothing before, e.g. the first version) to `after`. */
export function diffConfigs(before: Loose | null, after: Loose): ConfigDiff {
  const settingsSkip = new Set<string>([...DIFF_COLLECTIONS, 'version']);
  const settings = fieldChanges(before ?? {}, after, settingsSkip).filter((f) => !settingsSkip.has(f.path.split('.')[0]!));
  const items: ItemChange[] = [];
  for (const collection of DIFF_COLLECTIONS) {
    const was = new Map(itemsOf(before, collection).map((x) => [String(x.id), x]));
    const now = new Map(itemsOf(after, collection).map((x) => [String(x.id), x]));
    for (const [id, item] of now) {
      const old = was.get(id);
      if (!old) items.push({ collection, id, name: nameOf(item, id), change: 'added', fields: fieldChanges(undefined, item) });
      else {
        const fields = fieldChanges(old, item);
        if (fields.length > 0) items.push({ collection, id, name: nameOf(item, id), change: 'changed', fields });
      }
    }
    for (const [id, item] of was) {
      if (!now.has(id)) items.push({ collection, id, name: nameOf(item, id), change: 'removed', fields: fieldChanges(item, undefined) });
    }
  }
  return { settings, items, summary: summarize(settings, items) };
}

const nameOf = (item: Loose, id: string) => (typeof item.name === 'string' && item.name ? item.name : id);

function summarize(settings: FieldChange[], items: ItemChange[]): string {
  const parts = items.map((i) => `${i.change} ${NOUNS[i.collection]} "${i.id}"`);
  if (settings.length > 0) parts.push(`changed settings (${[...new Set(settings.map((s) => s.label.split(' › ')[0]))].join(', ')})`);
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

export type { Json };
