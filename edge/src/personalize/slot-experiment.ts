/**
 * Slot experiments (pure): of the visitors a slot variant would be shown to, the slot's `holdout`
 * percent keep the page's default content. The split is the messages' bucketing
 * (messages/bucket.ts) keyed on `slot:<id>`, so it is deterministic per visitor and slot, sticky,
 * identical at every edge location, and independent of the visitor's place in any other
 * experiment. Every visitor who would have been shown the variant is an exposure, stored in the
 * same exposures table as messages' under the id `slot:<id>` (slot ids are slugs: no message id
 * has a colon):
 *   - shown: variant = the winning segment's id;
 *   - held out: variant = `holdout:<segment>` (the segment whose variant they would have seen).
 * Keeping the segment on both sides lets the report compare each segment's personalized visitors
 * with that same segment's held-out visitors (merge.ts `slotExperiments`).
 */
import type { SlotDecision } from '../../../protocol/wire';
import type { Slot } from '../../../protocol/config/personalization';
import { assignVariant } from '../messages/bucket';
import type { Exposure } from '../messages/select';

const EXPOSURE_PREFIX = 'slot:';
const HOLDOUT_PREFIX = 'holdout:';

/** The exposures-table id of a slot's experiment. */
export const slotExposureId = (slotId: string): string => `${EXPOSURE_PREFIX}${slotId}`;

/** The slot id of an exposures-table id, or null for a message's. */
export function slotOfExposure(id: string): string | null {
  return id.startsWith(EXPOSURE_PREFIX) ? id.slice(EXPOSURE_PREFIX.length) : null;
}

/** A slot exposure's stored variant, read back: the segment, and whether the visitor was held out. */
export function readSlotVariant(variant: string): { segment: string; holdout: boolean } {
  return variant.startsWith(HOLDOUT_PREFIX) ? { segment: variant.slice(HOLDOUT_PREFIX.length), holdout: true } : { segment: variant, holdout: false };
}

/** Whether this visitor is in the slot's holdout (the control group): a number fixed per visitor and slot. */
export function inSlotHoldout(slotId: string, holdoutPercent: number, visitorId: string): boolean {
  // One "variant" at weight 100: the messages' split reduces to the holdout test alone.
  return assignVariant({ id: slotExposureId(slotId), holdout: holdoutPercent, variants: [{ id: 'shown', weight: 100 }] }, visitorId).holdout;
}

/**
 * The slot decisions minus those of held-out visitors, and one exposure per decided slot that has
 * an experiment. Slots without one pass through untouched and record nothing.
 */
export function holdOutSlots(
  decisions: readonly SlotDecision[],
  slots: readonly Slot[],
  visitorId: string,
): { decisions: SlotDecision[]; exposures: Exposure[] } {
  const experiments = new Map(slots.flatMap((slot) => (slot.experiment ? [[slot.id, slot.experiment] as const] : [])));
  if (experiments.size === 0) return { decisions: [...decisions], exposures: [] };
  const kept: SlotDecision[] = [];
  const exposures: Exposure[] = [];
  for (const decision of decisions) {
    const experiment = experiments.get(decision.id);
    if (!experiment) {
      kept.push(decision);
      continue;
    }
    const held = inSlotHoldout(decision.id, experiment.holdout, visitorId);
    exposures.push({ id: slotExposureId(decision.id), variant: held ? `${HOLDOUT_PREFIX}${decision.segment}` : decision.segment });
    if (!held) kept.push(decision);
  }
  return { decisions: kept, exposures };
}
