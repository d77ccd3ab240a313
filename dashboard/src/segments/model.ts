/**
 * The segment editor's logic: the form model of the condition builder (common leaves under one
 * all/any), the switch to and from JSON, and the checks made before saving. Trees the builder
 * cannot show are edited as JSON; the one-line description is protocol/config/describe.ts.
 */
import type { Issue, Json } from '../api';
import { dropBlank, idIssues, itemId } from '../item-model';

export type LeafKind = 'everyone' | 'pref' | 'trait' | 'event' | 'page' | 'utm' | 'device' | 'visitor' | 'identified' | 'locale';
export const LEAF_KINDS: { kind: LeafKind; label: string }[] = [
  { kind: 'everyone', label: 'Everyone (every visitor)' },
  { kind: 'pref', label: 'Preference (zero-party)' },
  { kind: 'trait', label: 'Trait' },
  { kind: 'event', label: 'Event count' },
  { kind: 'page', label: 'Page path' },
  { kind: 'utm', label: 'UTM source' },
  { kind: 'device', label: 'Device' },
  { kind: 'visitor', label: 'New or returning' },
  { kind: 'identified', label: 'Identified' },
  { kind: 'locale', label: 'Language (locale)' },
];

/** One row of the builder; every field a string, as the inputs hold them. */
export type Row = { kind: LeafKind; key: string; op: string; value: string; min: string; max: string; within: string };
export type Model = { combinator: 'all' | 'any'; rows: Row[] };

export const OPS: Record<LeafKind, string[]> = {
  everyone: [],
  pref: ['eq', 'neq', 'in', 'nin', 'exists', 'missing'],
  trait: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'missing'],
  page: ['eq', 'starts_with', 'contains'],
  utm: ['eq', 'in', 'contains'],
  event: [],
  device: [],
  visitor: [],
  identified: [],
  locale: [],
};
export const OP_LABELS: Record<string, string> = {
  eq: 'equals',
  neq: 'does not equal',
  in: 'is one of',
  nin: 'is none of',
  exists: 'is set',
  missing: 'is not set',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  contains: 'contains',
  starts_with: 'starts with',
};
const DEFAULT_VALUE: Partial<Record<LeafKind, string>> = { device: 'mobile', visitor: 'new', identified: 'true' };

export function newRow(kind: LeafKind = 'pref'): Row {
  return {
    kind,
    key: '',
    op: OPS[kind][0] ?? '',
    value: DEFAULT_VALUE[kind] ?? '',
    min: kind === 'event' ? '1' : '',
    max: '',
    within: kind === 'event' ? '7d' : '',
  };
}

const SIMPLE_OPS = new Set(['eq', 'neq', 'in', 'nin', 'exists', 'missing', 'gt', 'gte', 'lt', 'lte', 'contains', 'starts_with']);
const str = (v: unknown) => (v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

function rowOf(c: Json): Row | null {
  const test = c['test'] as Json | undefined;
  const keys = Object.keys(c).sort().join(',');
  const base = newRow();
  if ((keys === 'pref,test' || keys === 'test,trait') && test && SIMPLE_OPS.has(test['op'])) {
    const kind: LeafKind = 'pref' in c ? 'pref' : 'trait';
    if (!OPS[kind].includes(test['op'])) return null;
    return { ...base, kind, key: String(c[kind]), op: test['op'], value: str(test['value']) };
  }
  if (keys === 'page,test' && c['page'] === 'path' && test && OPS.page.includes(test['op']))
    return { ...base, kind: 'page', op: test['op'], value: str(test['value']) };
  if (keys === 'test,utm' && c['utm'] === 'source' && test && OPS.utm.includes(test['op']))
    return { ...base, kind: 'utm', op: test['op'], value: str(test['value']) };
  if ('event' in c && Object.keys(c).every((k) => ['event', 'min', 'max', 'within'].includes(k))) {
    return { ...base, kind: 'event', key: String(c['event']), op: '', min: str(c['min']), max: str(c['max']), within: str(c['within']) };
  }
  if (keys === 'device') return { ...base, kind: 'device', op: '', value: String(c['device']) };
  if (keys === 'visitor') return { ...base, kind: 'visitor', op: '', value: String(c['visitor']) };
  if (keys === 'everyone' && c['everyone'] === true) return { ...base, kind: 'everyone', op: '', value: '' };
  if (keys === 'identified') return { ...base, kind: 'identified', op: '', value: String(c['identified']) };
  if (keys === 'locale' && Array.isArray(c['locale']?.['in']) && Object.keys(c['locale']).length === 1)
    return { ...base, kind: 'locale', op: '', value: str(c['locale']['in']) };
  return null;
}

/** The builder's view of a condition, or null when only the JSON editor can show it. */
export function toModel(c: Json | undefined): Model | null {
  if (!c) return { combinator: 'all', rows: [newRow()] };
  for (const combinator of ['all', 'any'] as const) {
    if (Array.isArray(c[combinator]) && Object.keys(c).length === 1) {
      const rows = (c[combinator] as Json[]).map(rowOf);
      return rows.every((r) => r) ? { combinator, rows: rows as Row[] } : null;
    }
  }
  const row = rowOf(c);
  return row ? { combinator: 'all', rows: [row] } : null;
}

/** "42" -> 42, "true" -> true, else the string: traits and prefs compare typed values. */
function scalar(v: string): string | number | boolean {
  const t = v.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}
const values = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function testOf(op: string, value: string, typed: boolean): Json {
  if (op === 'exists' || op === 'missing') return { op };
  if (op === 'in' || op === 'nin') return { op, value: values(value).map((x) => (typed ? scalar(x) : x)) };
  if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return { op, value: Number(value) };
  if (op === 'eq' || op === 'neq') return { op, value: typed ? scalar(value) : value.trim() };
  return { op, value: value.trim() };
}
const int = (v: string) => (v.trim() === '' ? undefined : Number(v));

export function leafOf(r: Row): Json {
  switch (r.kind) {
    case 'everyone':
      return { everyone: true };
    case 'pref':
      return { pref: r.key.trim(), test: testOf(r.op, r.value, false) };
    case 'trait':
      return { trait: r.key.trim(), test: testOf(r.op, r.value, true) };
    case 'page':
      return { page: 'path', test: testOf(r.op, r.value, false) };
    case 'utm':
      return { utm: 'source', test: testOf(r.op, r.value, false) };
    case 'event': {
      const leaf: Json = { event: r.key.trim() };
      if (int(r.min) !== undefined) leaf['min'] = int(r.min);
      if (int(r.max) !== undefined) leaf['max'] = int(r.max);
      if (r.within.trim()) leaf['within'] = r.within.trim();
      return leaf;
    }
    case 'device':
      return { device: r.value };
    case 'visitor':
      return { visitor: r.value };
    case 'identified':
      return { identified: r.value === 'true' };
    case 'locale':
      // Tags are stored lower-case with hyphens (protocol/locale.ts): "fr-CA" and "fr_CA" mean fr-ca.
      return { locale: { in: values(r.value).map((tag) => tag.toLowerCase().replace(/_/g, '-')) } };
  }
}

export function fromModel(m: Model): Json {
  const leaves = m.rows.map(leafOf);
  return leaves.length === 1 ? (leaves[0] as Json) : { [m.combinator]: leaves };
}

/** Path prefix of row i in the API's issues (relative to the segment). */
export function rowPath(m: Model, i: number): string {
  return m.rows.length === 1 ? 'condition' : `condition.${m.combinator}.${i}`;
}

/** Checks the browser can make before asking the API: missing names and values. */
export function rowProblems(r: Row): Record<string, string> {
  const p: Record<string, string> = {};
  if ((r.kind === 'pref' || r.kind === 'trait' || r.kind === 'event') && !r.key.trim()) p['key'] = 'required';
  const needsValue = (r.kind === 'pref' || r.kind === 'trait' || r.kind === 'page' || r.kind === 'utm') && r.op !== 'exists' && r.op !== 'missing';
  if (needsValue && !r.value.trim()) p['value'] = 'required';
  if (r.kind === 'locale' && !values(r.value).length) p['value'] = 'name at least one language, like fr';
  if (needsValue && ['gt', 'gte', 'lt', 'lte'].includes(r.op) && !Number.isFinite(Number(r.value))) p['value'] = 'must be a number';
  if (r.kind === 'page' && r.value.trim() && r.op !== 'contains' && !r.value.trim().startsWith('/')) p['value'] = 'a path starts with /';
  if (r.kind === 'event' && r.within.trim() && !/^\d{1,4}[smhd]$/.test(r.within.trim())) p['within'] = 'like 30m, 2h or 7d';
  return p;
}

/** What a new segment starts as: one empty preference rule. */
export function blankSegment(): Json {
  return { id: '', name: '', condition: { pref: '', test: { op: 'eq', value: '' } } };
}

/** The builder's refusals, one per field of each rule ("rule 2 name", "rule 1 value"…). */
export function modelIssues(m: Model): Issue[] {
  return m.rows.flatMap((r, i) =>
    Object.entries(rowProblems(r)).map(([field, message]) => ({ path: `rule ${i + 1} ${field === 'key' ? 'name' : field}`, message })),
  );
}

/** The JSON text as a condition, or why it is not JSON (the message shown under the field). */
export function parseConditionJson(text: string): { condition: Json } | { error: string } {
  try {
    return { condition: JSON.parse(text) as Json };
  } catch (e) {
    return { error: `Not valid JSON: ${e instanceof Error ? e.message : e}` };
  }
}

/** The JSON text as a condition, or undefined while it does not parse (nothing to count yet). */
export function conditionOrUndefined(text: string): unknown {
  const parsed = parseConditionJson(text);
  return 'condition' in parsed ? parsed.condition : undefined;
}

/** Back from JSON to the form: the builder's model, or why this condition needs JSON. */
export function builderFromJson(text: string): { model: Model } | { error: string } {
  const parsed = parseConditionJson(text);
  if ('error' in parsed) return parsed;
  const model = toModel(parsed.condition);
  if (!model) return { error: 'This condition uses rules the form cannot show (nested groups, “not”, or other tests): keep editing it as JSON.' };
  return { model };
}

/**
 * The segment to save and the refusals to show first: the builder's or the JSON's condition, then
 * the id checks. `jsonError` is set when the JSON text does not parse.
 */
export function segmentDraft(
  item: Json,
  source: { model: Model } | { json: string },
  ctx: { isNew: boolean; existing: Json[] },
): { id: string; body: Json; issues: Issue[]; jsonError?: string } {
  const id = itemId(item);
  const issues: Issue[] = [];
  let condition: Json | undefined;
  let jsonError: string | undefined;
  if ('model' in source) {
    issues.push(...modelIssues(source.model));
    condition = fromModel(source.model);
  } else {
    const parsed = parseConditionJson(source.json);
    if ('condition' in parsed) condition = parsed.condition;
    else {
      jsonError = parsed.error;
      issues.push({ path: 'condition', message: 'not valid JSON' });
    }
  }
  issues.push(...idIssues(id, ctx.isNew, ctx.existing, 'segment', ': pick another id'));
  const body = dropBlank({ ...item, id, condition }, ['description']);
  return jsonError === undefined ? { id, body, issues } : { id, body, issues, jsonError };
}
