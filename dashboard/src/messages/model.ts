/** The message editor's logic: types and triggers, the list's summaries, and the draft sent to the API. */
import type { Issue, Json } from '../api';
import { dropBlank, idIssues, itemId, toNum } from '../item-model';

export const TYPES = ['banner', 'modal', 'toast', 'inline', 'survey'];
export const TRIGGERS: Record<string, string> = {
  load: 'On page load',
  time: 'After some seconds',
  scroll: 'At a scroll depth',
  exit: 'On exit intent',
  event: 'After an event',
};

/** How the list says when a message shows. */
export function triggerText(t: Json | undefined): string {
  if (!t || t['on'] === 'load') return 'page load';
  if (t['on'] === 'time') return `after ${t['seconds']} s`;
  if (t['on'] === 'scroll') return `${t['percent']}% scrolled`;
  if (t['on'] === 'exit') return 'exit intent';
  return `event “${t['name']}”`;
}

/** "Everyone", or the names of the segments a message targets. */
export function audienceText(segments: string[] | undefined, names: Map<string, string>): string {
  return segments?.length ? segments.map((s) => names.get(s) ?? s).join(', ') : 'Everyone';
}

export const blankMessage = (): Json => ({
  id: '',
  name: '',
  type: 'banner',
  segments: [],
  trigger: { on: 'load' },
  body: '',
  priority: 0,
  caps: {},
  holdout: 0,
  variants: [{ id: 'default', weight: 100 }],
});

/**
 * The message to save, as the API wants it (numbers typed, blank and unused parts left out, the
 * trigger and caps reduced to what their kind uses), and the refusals to show first.
 */
export function messageDraft(m: Json, ctx: { isNew: boolean; existing: Json[] }): { id: string; body: Json; issues: Issue[] } {
  const trigger = (m['trigger'] ?? { on: 'load' }) as Json;
  const caps = (m['caps'] ?? {}) as Json;
  const variants = (m['variants'] ?? [{ id: 'default', weight: 100 }]) as Json[];
  const goal = (m['goal'] ?? { event: '', withinHours: '' }) as Json;
  const id = itemId(m);
  const local: Issue[] = idIssues(id, ctx.isNew, ctx.existing, 'message');
  const body = dropBlank({ ...m, id }, ['title', 'thanks']);
  if (body['cta'] && !body['cta']['text'] && !body['cta']['href']) delete body['cta'];
  if (body['type'] !== 'inline') delete body['target'];
  if (body['type'] !== 'survey') {
    delete body['survey'];
    // A thank-you typed before the type changed away from survey (it would be refused).
    delete body['thanks'];
    if (body['locales'])
      body['locales'] = Object.fromEntries(Object.entries(body['locales'] as Json).map(([tag, { thanks: _thanks, ...text }]) => [tag, text]));
  }
  body['priority'] = typeof body['priority'] === 'string' ? (toNum(body['priority']) ?? 0) : body['priority'];
  body['holdout'] = typeof body['holdout'] === 'string' ? (toNum(body['holdout']) ?? 0) : body['holdout'];
  const t: Json = { on: trigger['on'] };
  if (trigger['on'] === 'time') t['seconds'] = toNum(String(trigger['seconds'] ?? ''));
  if (trigger['on'] === 'scroll') t['percent'] = toNum(String(trigger['percent'] ?? ''));
  if (trigger['on'] === 'event') t['name'] = trigger['name'] ?? '';
  body['trigger'] = t;
  const c: Json = {};
  for (const k of ['perDay', 'lifetime', 'cooldownMinutes']) {
    const v = toNum(String(caps[k] ?? ''));
    if (v !== undefined) c[k] = v;
  }
  body['caps'] = c;
  // No goal event = no goal (the form keeps an empty pair while editing).
  const goalEvent = String(goal['event'] ?? '').trim();
  if (goalEvent) body['goal'] = { event: goalEvent, withinHours: toNum(String(goal['withinHours'] ?? '')) ?? 24 };
  else delete body['goal'];
  // Only written when on; a bandit over one variant has nothing to choose between.
  if (!body['bandit']) delete body['bandit'];
  else if (variants.length < 2) local.push({ path: 'bandit', message: 'a bandit needs at least 2 variants to choose between' });
  body['variants'] = variants.map((v) => {
    const out: Json = { ...v, weight: toNum(String(v['weight'] ?? '')) };
    if (!out['title']) delete out['title'];
    return out;
  });
  return { id, body, issues: local };
}
