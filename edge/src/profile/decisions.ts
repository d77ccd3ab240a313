/**
 * Decisions on the stored profile: segment membership (entries and exits logged as they happen),
 * slot content, and message selection with exposures and conversions for lift reports.
 */
import type { Decision, PrefValue, PropValue, WireEvent } from '../../../protocol/wire';
import type { SiteConfig } from '../../../protocol/config/site';
import type { Message } from '../../../protocol/config/messages';
import type { Slot } from '../../../protocol/config/personalization';
import type { Goal } from '../../../protocol/config/goal';
import { selectMessages } from '../messages/select';
import { decideSlots, evaluateSegments, membershipChanges } from '../personalize/decide';
import { allowedContent } from '../personalize/allowed-content';
import { renderedContent } from '../personalize/rendered';
import { localeRequest, localizeMessages } from '../personalize/localize';
import { holdOutSlots, slotExposureId } from '../personalize/slot-experiment';
import type { Facts, RequestFacts } from '../rules/evaluate';
import type { DecisionContext, ProfileHost } from './context';
import type { ProfileStore } from './store/profile-store';

/** The parts of a site's config a decision reads. */
export type Rules = Pick<SiteConfig, 'segments' | 'slots' | 'messages' | 'messageFatigue'> & Partial<Pick<SiteConfig, 'origins' | 'proxy' | 'content'>>;

/**
 * The visitor's facts for a decision, where nothing is written between reading and evaluating
 * them: `returning` (a COUNT DISTINCT over every stored event) and `userId` are read only when a
 * segment's condition asks, once. A page view's decision pays for what its segments use.
 */
function decisionFacts(store: ProfileStore, request: RequestFacts, now: number): Facts {
  let returning: boolean | undefined;
  let userId: string | null | undefined;
  return {
    now,
    traits: store.keyValues<PropValue>('traits'),
    prefs: store.keyValues<PrefValue>('prefs'),
    consent: store.consent(),
    get userId() {
      if (userId === undefined) userId = store.userId();
      return userId;
    },
    get returning() {
      returning ??= store.sessionCount() > 1;
      return returning;
    },
    history: store.eventHistory(),
    request,
  };
}

/** The same facts read at once (spreading runs the getters): for callers that write before they evaluate. */
export const profileFacts = (store: ProfileStore, request: RequestFacts, now: number): Facts => ({ ...decisionFacts(store, request, now) });

/**
 * Evaluates `rules.segments` (recording entries and exits of those only) and, when the visitor
 * may be personalized, picks slot content and messages.
 */
export function decideNow(host: ProfileHost, rules: Rules, context: Omit<DecisionContext, 'config'>): Decision[] {
  const { store } = host;
  const facts = decisionFacts(store, context.request, context.now);
  const outcomes = evaluateSegments(rules.segments, facts);
  // Only the segments evaluated now can enter or exit (the alarm evaluates a few of them).
  const evaluated = new Set(rules.segments.map((segment) => segment.id));
  const current = new Set(store.segmentIds().filter((id) => evaluated.has(id)));
  const { entered, exited } = membershipChanges(current, outcomes);
  for (const id of entered) store.enterSegment(id, context.now);
  for (const id of exited) store.exitSegment(id, context.now);
  // A visitor who said no to personalization keeps their segments (analytics) but sees defaults.
  const personalize = facts.consent ? facts.consent.personalization : context.personalize;
  if (!personalize) return [];
  // Only content the site's rules allow (hosts, targets), even if the stored config was hand-written.
  const allowed = allowedContent(rules);
  const locale = localeRequest(context.request, facts.traits);
  const visitorId = store.meta('visitor_id') ?? '';
  // Slot experiments: a held-out visitor keeps the page's default; both sides are exposures.
  const { decisions: slots, exposures: slotExposures } = holdOutSlots(
    decideSlots(allowed.slots, rules.segments, outcomes, renderedContent, locale),
    allowed.slots,
    visitorId,
  );
  for (const exposure of slotExposures) store.recordExposure(exposure.id, exposure.variant, context.now);
  if (allowed.messages.length === 0) return slots;
  const selected = selectMessages({
    messages: allowed.messages,
    inSegments: new Set(outcomes.filter((o) => o.matched).map((o) => o.id)),
    segmentNames: new Map(rules.segments.map((s) => [s.id, s.name])),
    visitorId,
    now: context.now,
    ...(context.request.url ? { pageUrl: context.request.url } : {}),
    history: store.messageHistory(),
    fatigue: rules.messageFatigue,
    prefs: facts.prefs,
    granted: host.journeys.grants(context.now),
    bandit: host.bandit.table,
  });
  // The first exposure per message, holdout included: what message lift is measured against.
  for (const exposure of selected.exposures) store.recordExposure(exposure.id, exposure.variant, context.now);
  return [...slots, ...localizeMessages(selected.decisions, allowed.messages, locale)];
}

/** An experiment with a goal, as conversions see it: its exposures-table id and its timeline event. */
type GoalExperiment = { exposureId: string; goal: Goal; timeline: (variant: string) => { id: string; name: string; props: Record<string, string> } };

/** The site's experiments that have a goal: messages (by their id) and slots (`slot:<id>`, personalize/slot-experiment.ts). */
function goalExperiments(messages: readonly Message[], slots: readonly Slot[]): GoalExperiment[] {
  const list: GoalExperiment[] = [];
  for (const message of messages)
    if (message.goal)
      list.push({
        exposureId: message.id,
        goal: message.goal,
        timeline: (variant) => ({ id: `conversion_${message.id}`, name: 'message_conversion', props: { message: message.id, variant } }),
      });
  for (const slot of slots)
    if (slot.experiment)
      list.push({
        exposureId: slotExposureId(slot.id),
        goal: slot.experiment.goal,
        timeline: (variant) => ({ id: `slot_conversion_${slot.id}`, name: 'slot_conversion', props: { slot: slot.id, variant } }),
      });
  return list;
}

/**
 * An experiment's goal event within its window after the visitor's first exposure (holdout
 * included) converts that exposure, once: conversion rates per variant against the holdout are
 * the lift. Messages and slot experiments alike.
 */
export function recordConversion(store: ProfileStore, event: WireEvent & { type: 'track' }, messages: readonly Message[], slots: readonly Slot[] = []): void {
  const at = Math.min(event.ts, Date.now());
  for (const experiment of goalExperiments(messages, slots)) {
    if (experiment.goal.event !== event.name) continue;
    const variant = store.convertExposure(experiment.exposureId, at, event.id, experiment.goal.withinHours * 3_600_000);
    if (variant === null) continue;
    // Also in the visitor's timeline, like the renderer's impression/click/dismiss events. The id
    // is derived from the experiment, so a conversion is stored once per visitor and experiment.
    const { id, name, props } = experiment.timeline(variant);
    const conversion: WireEvent = {
      id: id.slice(0, 64),
      type: 'track',
      name,
      ts: at,
      sid: event.sid,
      url: event.url,
      props: { ...props, goal: event.name, event: event.id },
    };
    store.insertEvent(conversion, Date.now());
  }
}
