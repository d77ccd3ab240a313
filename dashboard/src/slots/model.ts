/** The slot editor's logic: content types, the preview HTML, the list summary and the checks before saving. */
import { renderContent } from '../../../protocol/content/render';
import type { SlotContent } from '../../../protocol/config/personalization';
import type { Issue, Json } from '../api';
import { dropBlank, idIssues, itemId, toNum } from '../item-model';

export const CONTENT_TYPES = ['html', 'text', 'link', 'image'] as const;

/** "HTML", "Text", "Link", "Image". */
export function contentTypeLabel(type: string): string {
  return type === 'html' ? 'HTML' : type[0]!.toUpperCase() + type.slice(1);
}

/** The empty content of a type, when the marketer switches to it. */
export function blankContent(type: string): Json {
  if (type === 'text') return { type, text: '' };
  if (type === 'link') return { type, text: '', href: '' };
  if (type === 'image') return { type, src: '', alt: '' };
  return { type: 'html', html: '' };
}

export const blankSlot = (): Json => ({ id: '', name: '', variants: [] });
export const newVariant = (): Json => ({ segment: '', priority: 10, content: { type: 'html', html: '' } });

/** The HTML the edge would put in the slot, or why there is none yet. */
export function previewHtml(content: Json): string {
  try {
    const html = renderContent(content as SlotContent);
    return html || '<p class="wm-empty">Nothing to show: add content (unsafe HTML is removed).</p>';
  } catch {
    return '<p class="wm-empty">Fill in the fields to see a preview.</p>';
  }
}

/** The list's line: each variant's segment name and priority, highest priority first. */
export function variantsSummary(variants: Json[], segmentNames: Map<string, string>): string {
  if (!variants.length) return 'No variants: everyone sees the page’s default';
  return [...variants]
    .sort((a, b) => b['priority'] - a['priority'])
    .map((v) => `${segmentNames.get(v['segment']) ?? v['segment']} (${v['priority']})`)
    .join(' · ');
}

/** The list's Experiment cell: "20% holdout · goal purchase within 48 h", or "None". */
export function experimentSummary(experiment: Json | undefined): string {
  if (!experiment) return 'None';
  const goal = (experiment['goal'] ?? {}) as Json;
  return `${experiment['holdout']}% holdout · goal ${goal['event']} within ${goal['withinHours']} h`;
}

/** A new slot experiment: 10% held out on the default, conversions on the goal within 24 hours. */
export const newExperiment = (): Json => ({ holdout: 10, goal: { event: '', withinHours: 24 } });

/**
 * The experiment as saved: typed numbers as numbers and the goal event trimmed. An empty event or
 * number stays as typed, so the edge's refusal lands on that field (experiment.goal.event, ...).
 */
function experimentDraft(experiment: Json): Json {
  const goal = (experiment['goal'] ?? {}) as Json;
  const number = (v: unknown) => (typeof v === 'string' ? (toNum(v) ?? v) : v);
  return { holdout: number(experiment['holdout']), goal: { event: String(goal['event'] ?? '').trim(), withinHours: number(goal['withinHours']) } };
}

/** The slot to save (typed priorities as numbers, no blank selector) and the refusals to show first. */
export function slotDraft(item: Json, ctx: { isNew: boolean; existing: Json[] }): { id: string; body: Json; issues: Issue[] } {
  const id = itemId(item);
  const variants = (item['variants'] ?? []) as Json[];
  // Switched off: left out, so the slot is filled as before for everyone who matches.
  const { experiment, ...rest } = item;
  const body = dropBlank(
    {
      ...rest,
      id,
      variants: variants.map((v) => ({ ...v, priority: typeof v['priority'] === 'string' ? (toNum(v['priority']) ?? v['priority']) : v['priority'] })),
      ...(experiment ? { experiment: experimentDraft(experiment as Json) } : {}),
    },
    ['selector'],
  );
  return { id, body, issues: idIssues(id, ctx.isNew, ctx.existing, 'slot', ': pick another id') };
}
