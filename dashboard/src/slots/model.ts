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

/** The slot to save (typed priorities as numbers, no blank selector) and the refusals to show first. */
export function slotDraft(item: Json, ctx: { isNew: boolean; existing: Json[] }): { id: string; body: Json; issues: Issue[] } {
  const id = itemId(item);
  const variants = (item['variants'] ?? []) as Json[];
  const body = dropBlank(
    {
      ...item,
      id,
      variants: variants.map((v) => ({ ...v, priority: typeof v['priority'] === 'string' ? (toNum(v['priority']) ?? v['priority']) : v['priority'] })),
    },
    ['selector'],
  );
  return { id, body, issues: idIssues(id, ctx.isNew, ctx.existing, 'slot', ': pick another id') };
}
