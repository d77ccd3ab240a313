/**
 * What a QA or preview session sees: the decisions a link forces, computed from the site's config
 * (live or draft) alone. Pure and read-only: no profile is read or written here, no exposure is
 * recorded, no bandit weight is used; the caller passes the segments of a previewed profile.
 *
 *   segment / profile  the slot variants and messages of exactly those segments, as a brand-new
 *                      visitor in them would get them: no caps, fatigue, schedule or holdout (a QA
 *                      session should see the content, not a control group), page targeting kept;
 *   message            that message with that variant, on load, on every page;
 *   slot               that slot filled with its variant for that segment; other slots keep defaults.
 *
 * Content goes through the same render-time rules as a visitor's (personalize/allowed-content.ts),
 * with every locale's text, so the page's lang picks as for a visitor (docs/localized-content.md).
 */
import type { Decision } from '../../../protocol/wire';
import type { Message } from '../../../protocol/config/messages';
import type { QaForce } from '../../../protocol/qa';
import { renderContent } from '../../../protocol/content/render';
import { allowedContent } from '../personalize/allowed-content';
import { decideSlots, type SegmentOutcome } from '../personalize/decide';
import { selectMessages, type MessageHistory } from '../messages/select';
import { localizeMessages, type LocaleRequest } from '../personalize/localize';
import type { Rules } from '../profile/decisions';

/** Every locale's text, as for a visitor whose page lang is not known yet: the page's lang picks (proxy rewriter, wm-ui.js). */
const ALL_LOCALES: LocaleRequest = { candidates: [], withAlternatives: true };

/** A QA session has no history: nothing it was shown counts. */
const NO_HISTORY: MessageHistory = { shown: () => 0, shownAny: () => 0, lastShownAt: () => null };
const NO_FATIGUE = { perDay: 1_000, minMinutesBetween: 0 };

export type QaPage = { url?: string; now: number };

/** `profileSegments`: for a `profile` force, the segments that profile is in now. */
export function qaDecisions(rules: Rules, force: QaForce, page: QaPage, profileSegments: readonly string[] = []): Decision[] {
  const allowed = allowedContent(rules);
  switch (force.kind) {
    case 'segment':
      return asMembers(rules, allowed, [force.segment], page);
    case 'profile':
      return asMembers(rules, allowed, profileSegments, page);
    case 'slot': {
      const slot = allowed.slots.find((s) => s.id === force.slot);
      const variant = slot?.variants.find((v) => v.segment === force.variant);
      if (!slot || !variant) return [];
      return decideSlots([{ ...slot, variants: [variant] }], rules.segments, [forced(variant.segment)], renderContent, ALL_LOCALES);
    }
    case 'message': {
      const message = allowed.messages.find((m) => m.id === force.message);
      const variant = message?.variants.find((v) => v.id === force.variant);
      if (!message || !variant) return [];
      const only: Message = { ...unlimited(message), segments: [], urlMatch: undefined, trigger: { on: 'load' }, variants: [{ ...variant, weight: 100 }] };
      return select([only], new Set(), rules, page);
    }
  }
}

function forced(id: string): SegmentOutcome {
  return { id, matched: true, why: 'forced by a QA link' };
}

function asMembers(rules: Rules, allowed: ReturnType<typeof allowedContent>, segments: readonly string[], page: QaPage): Decision[] {
  const known = new Set(rules.segments.map((s) => s.id));
  const members = segments.filter((id) => known.has(id));
  const slots = decideSlots(allowed.slots, rules.segments, members.map(forced), renderContent, ALL_LOCALES);
  return [...slots, ...select(allowed.messages.map(unlimited), new Set(members), rules, page)];
}

/** Without what would hide a message from a QA session: caps, schedule, holdout and bandit weights. */
function unlimited(m: Message): Message {
  return { ...m, caps: {}, schedule: undefined, holdout: 0, bandit: undefined };
}

function select(messages: readonly Message[], inSegments: ReadonlySet<string>, rules: Rules, page: QaPage): Decision[] {
  // Localized as a visitor's are (survey thank-you included); the page's lang picks in wm-ui.js.
  return localizeMessages(
    selectMessages({
      messages,
      inSegments,
      segmentNames: new Map(rules.segments.map((s) => [s.id, s.name])),
      visitorId: 'qa-session',
      now: page.now,
      ...(page.url ? { pageUrl: page.url } : {}),
      history: NO_HISTORY,
      fatigue: NO_FATIGUE,
    }).decisions,
    messages,
    ALL_LOCALES,
  );
}
