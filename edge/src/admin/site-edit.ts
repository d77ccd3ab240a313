/**
 * The admin write path as pure logic: given the current site config and a change, check the
 * version the caller edited (optimistic concurrency), validate, and say what changed (for the
 * audit log). No Worker globals: the AdminStore Durable Object runs it, unit tests run it in Node.
 */
import type { z } from 'zod';
import { segmentSchema, slotSchema } from '../../../protocol/config/personalization';
import { siteConfigSchema, type SiteConfig, type SiteConfigInput } from '../../../protocol/config/site';
import { formatIssues } from '../ingest/batch';
import { messageSchema } from '../../../protocol/config/messages';
import { journeySchema, journeysUsing } from '../../../protocol/config/journeys';
import { webhookSchema } from '../../../protocol/config/webhooks';
import { keepSecrets, secretIssues } from '../webhooks/secret';
import { COLLECTIONS, type AuditAction, type Collection, type Issue } from '../../../protocol/admin';

export { COLLECTIONS };
export type { AuditAction, Collection, Issue };
const ITEM_NAMES: Record<Collection, string> = { segments: 'segment', slots: 'slot', messages: 'message', journeys: 'journey', webhooks: 'webhook' };
const ITEM_SCHEMAS: Record<Collection, z.ZodType> = {
  segments: segmentSchema,
  slots: slotSchema,
  messages: messageSchema,
  journeys: journeySchema,
  webhooks: webhookSchema,
};

/** What an admin request asks for. `baseVersion` is the version the caller edited (0 = create). */
export type SiteChange =
  | { kind: 'put-site'; config: unknown }
  | { kind: 'put-item'; collection: Collection; id: string; item: unknown }
  | { kind: 'delete-item'; collection: Collection; id: string };

export type EditFailure =
  | { ok: false; status: 400; error: string; issues: Issue[] }
  | { ok: false; status: 404; error: string }
  | { ok: false; status: 409; error: string; currentVersion: number }
  | { ok: false; status: 409; error: string; usedBy: string[] }
  /** Refused by the site's approval rule (a direct item write without `publish`; drafts-and-versions.md). */
  | { ok: false; status: 403; error: string }
  /** A draft publish over items live changed since the draft copied them (draft-edit.ts). */
  | { ok: false; status: 409; error: string; conflicts: string[] }
  /** A proxy hostname another site already serves (AdminStore, proxy/host-index.ts). */
  | { ok: false; status: 409; error: string; issues: Issue[]; claimedBy: string };

export type Edit = {
  ok: true;
  next: SiteConfig;
  action: AuditAction;
  /** The resource, e.g. `sites/shop/segments/vip`. */
  path: string;
  beforeVersion: number;
  /** Top-level config fields whose value changed. */
  changed: string[];
  summary: string;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const invalid = (error: string, issues: Issue[]): EditFailure => ({ ok: false, status: 400, error, issues });

/** Top-level fields (other than version) whose JSON differs between two configs. */
export function changedFields(before: SiteConfig | null, after: SiteConfig): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  keys.delete('version');
  const b = (before ?? {}) as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return [...keys].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).sort();
}

/** Where the segment is used: `slots/<id>` and `messages/<id>`. */
export function segmentReferences(site: SiteConfig, segment: string): string[] {
  return [
    ...site.slots.filter((s) => s.variants.some((v) => v.segment === segment)).map((s) => `slots/${s.id}`),
    ...site.messages.filter((m) => m.segments.includes(segment)).map((m) => `messages/${m.id}`),
    ...journeysUsing(site.journeys, { segment }),
  ];
}

/**
 * The version an admin write gets. `floor` is the demo seed's version for the demo site: the seed
 * step replaces a stored demo config whose version is lower than the seed's (seedEdit), so every
 * admin write lands above it and is never replaced by the seed.
 */
export function nextVersion(current: number, floor: number): number {
  return Math.max(current, floor) + 1;
}

/** Validates the whole config; issues under `<collection>.<index>` are reported relative to the item. */
function validate(candidate: unknown, item?: { collection: Collection; index: number }): { ok: true; config: SiteConfig } | EditFailure {
  const parsed = siteConfigSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, config: parsed.data };
  const issues = parsed.error.issues.map((issue) => {
    const inItem = item && issue.path[0] === item.collection && issue.path[1] === item.index;
    const path = inItem ? issue.path.slice(2) : issue.path;
    return { path: path.map(String).join('.') || '(root)', message: issue.message };
  });
  return invalid('the site config is not valid', issues);
}

export function applyChange(siteId: string, current: SiteConfig | null, change: SiteChange, baseVersion: number, floor = 0): Edit | EditFailure {
  const sitePath = `sites/${siteId}`;
  if (!current) {
    if (change.kind !== 'put-site') return { ok: false, status: 404, error: `unknown site "${siteId}"` };
    if (baseVersion !== 0) return { ok: false, status: 404, error: `unknown site "${siteId}" (send version 0 to create it)` };
  } else if (baseVersion !== current.version) {
    return {
      ok: false,
      status: 409,
      error: `site "${siteId}" changed since you loaded it: you edited version ${baseVersion}, it is now at version ${current.version}. Reload and apply your change again.`,
      currentVersion: current.version,
    };
  }
  const version = nextVersion(current?.version ?? 0, floor);

  if (change.kind === 'put-site') {
    if (!isRecord(change.config)) return invalid('body must be a JSON object', [{ path: '(root)', message: 'expected an object' }]);
    const { id, ...rest } = change.config;
    if (id !== undefined && id !== siteId) return invalid('id does not match the URL', [{ path: 'id', message: `must be "${siteId}" (the site in the URL)` }]);
    // Webhook secrets are write-only: one left out keeps the stored secret of the same webhook.
    const candidate = keepSecrets({ ...rest, id: siteId, version }, current);
    const refused = secretIssues(candidate, current, (i) => `webhooks.${i}.`);
    if (refused.length > 0) return invalid('the site config is not valid', refused);
    const result = validate(candidate);
    if (!result.ok) return result;
    const changed = changedFields(current, result.config);
    return {
      ok: true,
      next: result.config,
      action: current ? 'update' : 'create',
      path: sitePath,
      beforeVersion: current?.version ?? 0,
      changed,
      summary: current ? `updated site (${changed.join(', ') || 'no field changed'})` : `created site "${result.config.name}"`,
    };
  }

  // current is non-null here: item changes on a missing site returned 404 above.
  const site = current as SiteConfig;
  const { collection, id } = change;
  const noun = ITEM_NAMES[collection];
  const itemPath = `${sitePath}/${collection}/${id}`;
  const list = site[collection] as readonly { id: string }[];
  const index = list.findIndex((x) => x.id === id);

  if (change.kind === 'delete-item') {
    if (index < 0) return { ok: false, status: 404, error: `no ${noun} "${id}" in site "${siteId}"` };
    const usedBy =
      collection === 'segments'
        ? segmentReferences(site, id)
        : collection === 'messages'
          ? journeysUsing(site.journeys, { message: id })
          : collection === 'webhooks'
            ? journeysUsing(site.journeys, { webhook: id })
            : [];
    if (usedBy.length > 0) {
      return { ok: false, status: 409, error: `${noun} "${id}" is still used by ${usedBy.join(', ')}: remove it there first`, usedBy };
    }
    const result = validate({ ...site, version, [collection]: list.filter((_, i) => i !== index) });
    if (!result.ok) return result;
    return {
      ok: true,
      next: result.config,
      action: 'delete',
      path: itemPath,
      beforeVersion: site.version,
      changed: [collection],
      summary: `deleted ${noun} "${id}"`,
    };
  }

  if (!isRecord(change.item)) return invalid('body must be a JSON object', [{ path: '(root)', message: 'expected an object' }]);
  if (change.item.id !== undefined && change.item.id !== id) {
    return invalid('id does not match the URL', [{ path: 'id', message: `must be "${id}" (the ${noun} in the URL)` }]);
  }
  // Webhook secrets are write-only: an update that leaves the secret out keeps the stored one.
  const input = collection === 'webhooks' ? (keepSecrets({ webhooks: [{ ...change.item, id }] }, site).webhooks as unknown[])[0] : change.item;
  if (collection === 'webhooks') {
    const refused = secretIssues({ webhooks: [input] }, site, () => '');
    if (refused.length > 0) return invalid(`the ${noun} is not valid`, refused);
  }
  const parsedItem = ITEM_SCHEMAS[collection].safeParse({ ...(isRecord(input) ? input : {}), id });
  if (!parsedItem.success) return invalid(`the ${noun} is not valid`, formatIssues(parsedItem.error));
  const items: unknown[] = [...list];
  const at = index < 0 ? items.length : index;
  items[at] = parsedItem.data;
  const result = validate({ ...site, version, [collection]: items }, { collection, index: at });
  if (!result.ok) return { ...result, error: `the ${noun} is not valid in this site` };
  const action: AuditAction = index < 0 ? 'create' : 'update';
  return {
    ok: true,
    next: result.config,
    action,
    path: itemPath,
    beforeVersion: site.version,
    changed: changedFields(site, result.config),
    summary: `${action === 'create' ? 'created' : 'updated'} ${noun} "${id}"`,
  };
}

/**
 * The write of a seed config (the local demo's, demo/seed.ts): the seed as it is, at its own
 * version, when the site is missing or older than it; null when the stored one is as new or newer.
 */
export function seedEdit(current: SiteConfig | null, seed: SiteConfigInput): Edit | null {
  if (current && current.version >= seed.version) return null;
  const next = siteConfigSchema.parse(seed);
  return {
    ok: true,
    next,
    action: current ? 'update' : 'create',
    path: `sites/${next.id}`,
    beforeVersion: current?.version ?? 0,
    changed: changedFields(current, next),
    summary: `seeded site "${next.name}" (version ${next.version})`,
  };
}
