/**
 * A site's shared draft as pure logic (issue #12 point 3): a list of item changes over the live
 * config. Editing an item that has no change yet copies it from live (its `base`, so a later publish
 * can tell whether live moved under it); every draft edit is validated on the effective draft (live
 * + changes) by the same rules as a live write (site-edit.ts applyChange), so a draft can never be
 * published broken. Publishing refuses items that changed in live since the draft copied them (409
 * naming them); items the draft did not touch simply keep live's newest value (a merge).
 *
 * Webhooks and the site's own settings are not drafted: they are publish-only and written directly.
 * No Worker globals: SiteAdmin (site-admin.ts) runs it, draft-edit.test.ts runs it in Node.
 */
import { siteConfigSchema, type SiteConfig } from '../../../protocol/config/site';
import { diffConfigs } from '../../../protocol/version-diff';
import { DRAFT_COLLECTIONS, type DraftCollection } from '../../../protocol/admin';
import { formatIssues } from '../ingest/batch';
import { applyChange, changedFields, nextVersion, type Edit, type EditFailure } from './site-edit';

export { DRAFT_COLLECTIONS, type DraftCollection };

/** One drafted item: its new value (`null`: deleted in the draft) and live's value when the draft first touched it. */
export type DraftChange = {
  collection: DraftCollection;
  id: string;
  item: unknown;
  /** Live's item when the draft copied it (null: it did not exist). */
  base: unknown;
  by: string;
  at: number;
};

type Item = { id: string };
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const itemIn = (config: SiteConfig, collection: DraftCollection, id: string): unknown =>
  (config[collection] as readonly Item[]).find((x) => x.id === id) ?? null;

/** Live with the draft's changes applied (an item keeps its place; a new one goes last). Not validated. */
export function withChanges(live: SiteConfig, changes: readonly DraftChange[]): Record<string, unknown> {
  const next: Record<string, unknown> = { ...live };
  for (const collection of DRAFT_COLLECTIONS) {
    const mine = changes.filter((c) => c.collection === collection);
    if (mine.length === 0) continue;
    const list: unknown[] = [...(live[collection] as readonly Item[])];
    for (const change of mine) {
      const at = list.findIndex((x) => (x as Item).id === change.id);
      if (change.item === null) {
        if (at >= 0) list.splice(at, 1);
      } else if (at >= 0) list[at] = change.item;
      else list.push(change.item);
    }
    next[collection] = list;
  }
  return next;
}

export type Effective = { ok: true; config: SiteConfig } | Extract<EditFailure, { status: 400 }>;

/** The effective draft, validated as a live write would be (at live's version). */
export function effectiveDraft(live: SiteConfig, changes: readonly DraftChange[], version = live.version): Effective {
  const parsed = siteConfigSchema.safeParse({ ...withChanges(live, changes), version });
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, status: 400, error: 'the draft is not valid against the live site', issues: formatIssues(parsed.error) };
}

export type DraftEditResult =
  | { ok: true; change: DraftChange; effective: SiteConfig; summary: string; path: string }
  /** The item is back to live's value: its change is dropped. */
  | { ok: true; change: null; key: { collection: DraftCollection; id: string }; effective: SiteConfig; summary: string; path: string }
  | EditFailure;

/**
 * One item put or deleted in the draft: validated on the effective draft by applyChange (so the
 * same 400s, 404s and "still used by" 409s as a live write), kept as the item applyChange parsed.
 */
export function editDraft(
  siteId: string,
  live: SiteConfig,
  changes: readonly DraftChange[],
  edit: { collection: DraftCollection; id: string; item?: unknown },
  who: string,
  now: number,
): DraftEditResult {
  const current = effectiveDraft(live, changes);
  if (!current.ok) return current;
  const { collection, id } = edit;
  const result = applyChange(
    siteId,
    current.config,
    edit.item === undefined ? { kind: 'delete-item', collection, id } : { kind: 'put-item', collection, id, item: edit.item },
    current.config.version,
  );
  if (!result.ok) return result;
  const effective = { ...result.next, version: live.version };
  const item = itemIn(result.next, collection, id);
  const earlier = changes.find((c) => c.collection === collection && c.id === id);
  const base = earlier ? earlier.base : itemIn(live, collection, id);
  const summary = result.summary;
  if (same(item, base)) return { ok: true, change: null, key: { collection, id }, effective, summary, path: result.path };
  return { ok: true, change: { collection, id, item, base, by: who, at: now }, effective, summary, path: result.path };
}

/** `collection/id` of every drafted item whose live value changed since the draft copied it. */
export function conflicts(live: SiteConfig, changes: readonly DraftChange[]): string[] {
  return changes.filter((c) => !same(itemIn(live, c.collection, c.id), c.base)).map((c) => `${c.collection}/${c.id}`);
}

export type PublishFailure = EditFailure;

/** The draft as the next live version: refused when live moved under a drafted item, or when the result is invalid. */
export function publishEdit(siteId: string, live: SiteConfig, changes: readonly DraftChange[], floor = 0): Edit | PublishFailure {
  if (changes.length === 0)
    return { ok: false, status: 404, error: `site "${siteId}" has no draft to publish: it is live already or was discarded (see Versions)` };
  const moved = conflicts(live, changes);
  if (moved.length > 0) {
    return {
      ok: false,
      status: 409,
      error: `live changed since the draft copied ${moved.join(', ')}: edit ${moved.length === 1 ? 'it' : 'them'} in the draft again (or discard ${moved.length === 1 ? 'its change' : 'their changes'}) before publishing`,
      conflicts: moved,
    };
  }
  const next = effectiveDraft(live, changes, nextVersion(live.version, floor));
  if (!next.ok) return next;
  const diff = diffConfigs(live, next.config);
  return {
    ok: true,
    next: next.config,
    action: 'publish',
    path: `sites/${siteId}`,
    beforeVersion: live.version,
    changed: changedFields(live, next.config),
    summary: `published the draft: ${diff.summary}`,
  };
}

/**
 * Reverting to `old`: the next version is `old` as it was, except that webhooks keep their current
 * secrets (a revert must not bring a rotated-out signing key back to life).
 */
export function revertEdit(siteId: string, live: SiteConfig, old: SiteConfig, floor = 0): Edit | EditFailure {
  const current = new Map(live.webhooks.map((w) => [w.id, w]));
  const webhooks = old.webhooks.map((w) => {
    const now = current.get(w.id);
    if (!now) return w;
    const { rotation: _old, ...rest } = w;
    return { ...rest, secret: now.secret, ...(now.rotation ? { rotation: now.rotation } : {}) };
  });
  const parsed = siteConfigSchema.safeParse({ ...old, webhooks, version: nextVersion(live.version, floor) });
  if (!parsed.success) {
    return { ok: false, status: 400, error: `version ${old.version} is not valid under today’s rules`, issues: formatIssues(parsed.error) };
  }
  return {
    ok: true,
    next: parsed.data,
    action: 'revert',
    path: `sites/${siteId}`,
    beforeVersion: live.version,
    changed: changedFields(live, parsed.data),
    summary: `reverted to version ${old.version}: ${diffConfigs(live, parsed.data).summary}`,
  };
}
