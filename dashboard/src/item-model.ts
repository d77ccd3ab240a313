/** The checks and clean-ups every item editor makes before it saves (pure: tested in Node). */
import type { Issue, Json } from './api';

/** The id as it will be saved: the typed one without surrounding spaces. */
export function itemId(item: Json): string {
  return String(item['id'] ?? '').trim();
}

/**
 * The id's client-side refusals: missing, or (for a new item) taken by another item of the same
 * collection. `advice` follows the "already exists" (e.g. ": pick another id").
 */
export function idIssues(id: string, isNew: boolean, existing: Json[], kind: string, advice = ''): Issue[] {
  const issues: Issue[] = [];
  if (!id) issues.push({ path: 'id', message: 'required' });
  if (isNew && existing.some((x) => x['id'] === id)) issues.push({ path: 'id', message: `a ${kind} “${id}” already exists${advice}` });
  return issues;
}

/** Optional text fields left blank are left out, so the API does not store empty strings. */
export function dropBlank(body: Json, keys: string[]): Json {
  for (const k of keys) if (typeof body[k] === 'string' && !body[k].trim()) delete body[k];
  return body;
}

/** A stored number as an input's value ('' when there is none). */
export const num = (v: unknown) => (v === undefined || v === null ? '' : String(v));
/** '' -> undefined (leave the field out), else the number as typed (the API says if it is wrong). */
export const toNum = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** The list's Status cell of items that can be switched off (absent means enabled). */
export const enabledText = (item: Json) => (item['enabled'] === false ? 'Disabled' : 'Enabled');
