/**
 * Condition trees (conditions.ts) as one line a marketer reads: the dashboard's "Reads as"
 * sentence and its segment list. Zod-free (types only), so the dashboard bundle stays small.
 * Accepts any JSON: a condition being edited may not be valid yet, and anything unknown is shown
 * as its JSON rather than hidden.
 */
import type { Condition } from './conditions';

type Node = { readonly [key: string]: unknown };

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const quote = (v: unknown) => (typeof v === 'string' ? `“${v}”` : String(v));
const list = (v: unknown) => (Array.isArray(v) ? v.map(quote).join(', ') : quote(v));

const OP_WORDS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  nin: 'is none of',
  contains: 'contains',
  starts_with: 'starts with',
  ends_with: 'ends with',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
};

function describeTest(test: unknown): string {
  if (!isNode(test)) return '?';
  const op = String(test['op']);
  if (op === 'exists') return 'is set';
  if (op === 'missing') return 'is not set';
  return `${OP_WORDS[op] ?? op} ${op === 'in' || op === 'nin' ? list(test['value']) : quote(test['value'])}`;
}

function eventRange(c: Node): string {
  if (c['min'] !== undefined && c['max'] !== undefined) return `${c['min']}–${c['max']}×`;
  if (c['max'] !== undefined) return `at most ${c['max']}×`;
  return `at least ${c['min'] ?? 1}×`;
}

/** "pref “sport” is “trail” and did “add_to_cart” at least 1× in the last 30m". */
export function describeCondition(condition: Condition | Node | undefined): string {
  const c: unknown = condition;
  if (!isNode(c)) return '—';
  if (Array.isArray(c['all'])) return c['all'].map(wrap).join(' and ');
  if (Array.isArray(c['any'])) return c['any'].map(wrap).join(' or ');
  if ('not' in c) return `not ${wrap(c['not'])}`;
  if ('pref' in c) return `pref ${quote(c['pref'])} ${describeTest(c['test'])}`;
  if ('trait' in c) return `trait ${quote(c['trait'])} ${describeTest(c['test'])}`;
  if ('consent' in c) return `consented to ${c['consent']}`;
  if ('event' in c) return `did ${quote(c['event'])} ${eventRange(c)}${c['within'] ? ` in the last ${c['within']}` : ''}`;
  if ('inactiveAfter' in c) return `idle ${c['minutes']} min after ${quote(c['inactiveAfter'])}${c['unless'] ? ` without ${quote(c['unless'])}` : ''}`;
  if ('page' in c) return `page ${c['page']} ${describeTest(c['test'])}`;
  if ('referrer' in c) return `referrer ${c['referrer']} ${describeTest(c['test'])}`;
  if ('utm' in c) return `utm_${c['utm']} ${describeTest(c['test'])}`;
  if ('device' in c) return `on ${c['device']}`;
  if ('geo' in c) return `${c['geo']} ${describeTest(c['test'])}`;
  if ('visitor' in c) return `${c['visitor']} visitor`;
  if ('everyone' in c) return 'everyone';
  if ('locale' in c) {
    const tags = isNode(c['locale']) ? c['locale']['in'] : undefined;
    return Array.isArray(tags) && tags.length > 1 ? `locale is one of ${list(tags)}` : `locale is ${list(tags)}`;
  }
  if ('identified' in c) return c['identified'] ? 'identified' : 'anonymous';
  return JSON.stringify(c);
}

/** Groups inside a sentence get parentheses, so "a and (b or c)" reads right. */
function wrap(c: unknown): string {
  const grouped = isNode(c) && (Array.isArray(c['all']) || Array.isArray(c['any']));
  const text = describeCondition(isNode(c) ? c : undefined);
  return grouped ? `(${text})` : text;
}
