import { describe, expect, it } from 'vitest';
import { conditionSchema } from '../../../protocol/config/conditions';
import { segmentSchema } from '../../../protocol/config/personalization';
import { EVERYONE_SEGMENT, everyoneChoice, otherSegments } from './everyone';
import { fromModel, toModel } from './model';

describe('Everyone in the editors', () => {
  it('is a valid segment whose condition is the everyone leaf', () => {
    expect(segmentSchema.parse(EVERYONE_SEGMENT)).toEqual(EVERYONE_SEGMENT);
  });

  it('uses an existing everyone segment, whatever its id, else creates one when the id is free', () => {
    const trail = { id: 'trail', name: 'Trail', condition: { pref: 'sport', test: { op: 'eq', value: 'trail' } } };
    expect(everyoneChoice([trail])).toEqual({ id: 'everyone', create: true });
    expect(everyoneChoice([trail, { id: 'all-visitors', name: 'All', condition: { everyone: true } }])).toEqual({ id: 'all-visitors', create: false });
    expect(everyoneChoice([{ id: 'everyone', name: 'Not quite', condition: { device: 'mobile' } }])).toBeNull();
    expect(otherSegments([trail, { id: 'all', name: 'All', condition: { everyone: true } }])).toEqual([trail]);
  });

  it('round-trips through the segment builder', () => {
    const model = toModel({ everyone: true });
    expect(model?.rows[0]?.kind).toBe('everyone');
    const condition = fromModel(model!);
    expect(condition).toEqual({ everyone: true });
    expect(conditionSchema.parse(condition)).toEqual({ everyone: true });
  });
});
