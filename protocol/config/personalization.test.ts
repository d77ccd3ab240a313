import { describe, expect, it } from 'vitest';
import { slotSchema } from './personalization';
import { messageSchema } from './messages';

const slot = {
  id: 'hero',
  name: 'Hero',
  variants: [{ segment: 'vip', priority: 1, content: { type: 'text', text: 'Welcome back' } }],
};
const issues = (value: unknown) => slotSchema.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('slot experiment config', () => {
  it('is optional: a slot without one parses to exactly what it was', () => {
    expect(slotSchema.parse(slot)).toEqual(slot);
  });

  it('takes a holdout of 0 to 50 percent and a goal', () => {
    const experiment = { holdout: 20, goal: { event: 'purchase', withinHours: 48 } };
    expect(slotSchema.parse({ ...slot, experiment }).experiment).toEqual(experiment);
    expect(issues({ ...slot, experiment: { ...experiment, holdout: 0 } })).toEqual([]);
    expect(issues({ ...slot, experiment: { ...experiment, holdout: 50 } })).toEqual([]);
  });

  it('refuses a holdout out of range or fractional, a missing goal, and unknown keys, saying where', () => {
    const goal = { event: 'purchase', withinHours: 48 };
    expect(issues({ ...slot, experiment: { holdout: 51, goal } })).toEqual(['experiment.holdout: holdout must be 0 to 50 percent']);
    expect(issues({ ...slot, experiment: { holdout: -1, goal } })).toEqual(['experiment.holdout: holdout must be 0 to 50 percent']);
    expect(issues({ ...slot, experiment: { holdout: 2.5, goal } })[0]).toMatch(/^experiment\.holdout: /);
    expect(issues({ ...slot, experiment: { holdout: 10 } })[0]).toMatch(/^experiment\.goal: /);
    expect(issues({ ...slot, experiment: { holdout: 10, goal, weights: [] } })[0]).toMatch(/^experiment: .*weights/);
  });

  it('validates the goal exactly as a message goal does (one schema)', () => {
    for (const goal of [
      { event: '', withinHours: 1 },
      { event: 'x'.repeat(300), withinHours: 1 },
      { event: 'buy', withinHours: 0 },
      { event: 'buy', withinHours: 721 },
      { event: 'buy', withinHours: 1.5 },
    ]) {
      const slotProblems = issues({ ...slot, experiment: { holdout: 10, goal } }).map((p) => p.replace(/^experiment\.goal/, 'goal'));
      const messageProblems =
        messageSchema.safeParse({ id: 'm', name: 'M', type: 'banner', body: 'b', goal }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
      expect(slotProblems.length).toBeGreaterThan(0);
      expect(slotProblems).toEqual(messageProblems);
    }
  });
});
