import { describe, expect, it } from 'vitest';
import type { SlotDecision } from '../../../protocol/wire';
import type { Slot } from '../../../protocol/config/personalization';
import { holdOutSlots, inSlotHoldout, readSlotVariant, slotExposureId, slotOfExposure } from './slot-experiment';

const content = { type: 'text' as const, text: 'Hi' };
const slot = (id: string, experiment?: Slot['experiment']): Slot => ({
  id,
  name: id,
  variants: [{ segment: 'vip', priority: 1, content }],
  ...(experiment ? { experiment } : {}),
});
const decision = (id: string, segment = 'vip'): SlotDecision => ({ kind: 'slot', id, html: 'Hi', segment, why: 'test' });
const goal = { event: 'purchase', withinHours: 24 };
const ids = (n: number) => Array.from({ length: n }, (_, i) => `visitor-${i}`);

describe('slot experiment assignment', () => {
  it('is deterministic per visitor and slot', () => {
    for (const id of ids(200)) expect(inSlotHoldout('hero', 30, id)).toBe(inSlotHoldout('hero', 30, id));
  });

  it('holds out close to the configured percent over many visitors', () => {
    for (const percent of [5, 20, 50]) {
      const held = ids(20_000).filter((id) => inSlotHoldout('hero', percent, id)).length / 20_000;
      // 20,000 draws: the standard error is at most 0.35 points; 1.5 points is over 4 of them.
      expect(Math.abs(held - percent / 100)).toBeLessThan(0.015);
    }
    expect(ids(1_000).some((id) => inSlotHoldout('hero', 0, id))).toBe(false);
  });

  it('is independent between slots (and of a message with the same id)', () => {
    const heldInBoth = ids(20_000).filter((id) => inSlotHoldout('hero', 50, id) && inSlotHoldout('footer', 50, id)).length / 20_000;
    expect(Math.abs(heldInBoth - 0.25)).toBeLessThan(0.015);
  });

  it('names exposures slot:<id> and reads variants back', () => {
    expect(slotExposureId('hero')).toBe('slot:hero');
    expect(slotOfExposure('slot:hero')).toBe('hero');
    expect(slotOfExposure('hero')).toBeNull();
    expect(readSlotVariant('holdout:vip')).toEqual({ segment: 'vip', holdout: true });
    expect(readSlotVariant('vip')).toEqual({ segment: 'vip', holdout: false });
  });
});

describe('holdOutSlots', () => {
  it('leaves slots without an experiment untouched and records nothing', () => {
    const decisions = [decision('hero'), decision('footer')];
    expect(holdOutSlots(decisions, [slot('hero'), slot('footer')], 'v1')).toEqual({ decisions, exposures: [] });
  });

  it('drops the held-out visitors decision (default content) and records both sides with the segment', () => {
    const slots = [slot('hero', { holdout: 50, goal }), slot('footer')];
    const held = ids(100).find((id) => inSlotHoldout('hero', 50, id))!;
    const shown = ids(100).find((id) => !inSlotHoldout('hero', 50, id))!;
    expect(holdOutSlots([decision('hero'), decision('footer')], slots, held)).toEqual({
      decisions: [decision('footer')],
      exposures: [{ id: 'slot:hero', variant: 'holdout:vip' }],
    });
    expect(holdOutSlots([decision('hero', 'new'), decision('footer')], slots, shown)).toEqual({
      decisions: [decision('hero', 'new'), decision('footer')],
      exposures: [{ id: 'slot:hero', variant: 'new' }],
    });
  });

  it('records nothing for a slot no variant of which would be shown', () => {
    expect(holdOutSlots([], [slot('hero', { holdout: 50, goal })], 'v1')).toEqual({ decisions: [], exposures: [] });
  });
});
