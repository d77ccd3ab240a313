/**
 * From facts to what the visitor sees: which segments they are in (with the reason), and which
 * variant fills each slot (the highest-priority variant whose segment matches; none leaves the
 * page's default content). Pure: the renderer is passed in so this runs anywhere.
 */
import type { SlotDecision } from '../../../protocol/wire';
import type { Segment, Slot, SlotContent } from '../../../protocol/config/personalization';
import { evaluate, type Facts } from '../rules/evaluate';
import { DEFAULT_LOCALE_REQUEST, localizeSlot, type LocaleRequest } from './localize';

export type SegmentOutcome = { id: string; matched: boolean; why: string };

export function evaluateSegments(segments: readonly Segment[], facts: Facts): SegmentOutcome[] {
  return segments.map((segment) => ({ id: segment.id, ...evaluate(segment.condition, facts) }));
}

export function decideSlots(
  slots: readonly Slot[],
  segments: readonly Segment[],
  outcomes: readonly SegmentOutcome[],
  render: (content: SlotContent) => string,
  /** The request's locales (localize.ts); none: the default text. */
  locale: LocaleRequest = DEFAULT_LOCALE_REQUEST,
): SlotDecision[] {
  const matched = new Map(outcomes.filter((o) => o.matched).map((o) => [o.id, o]));
  const names = new Map(segments.map((s) => [s.id, s.name]));
  const decisions: SlotDecision[] = [];
  for (const slot of slots) {
    // Stable: equal priorities keep the marketer's order.
    const winner = [...slot.variants].sort((a, b) => b.priority - a.priority).find((v) => matched.has(v.segment));
    if (!winner) continue;
    const outcome = matched.get(winner.segment)!;
    decisions.push({
      kind: 'slot',
      id: slot.id,
      ...(slot.selector ? { selector: slot.selector } : {}),
      segment: winner.segment,
      why: `segment "${names.get(winner.segment) ?? winner.segment}" (priority ${winner.priority}): ${outcome.why}`,
      ...localizeSlot(winner, locale, render),
    });
  }
  return decisions;
}

/** Segment changes between two evaluations: for the entry/exit log. */
export function membershipChanges(before: ReadonlySet<string>, outcomes: readonly SegmentOutcome[]): { entered: string[]; exited: string[] } {
  const now = new Set(outcomes.filter((o) => o.matched).map((o) => o.id));
  return {
    entered: [...now].filter((id) => !before.has(id)),
    exited: [...before].filter((id) => !now.has(id)),
  };
}
