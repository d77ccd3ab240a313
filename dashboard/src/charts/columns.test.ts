import { describe, expect, it } from 'vitest';
import { barCol, headCells, num } from './columns';

describe('headCells', () => {
  it('turns plain strings into text columns without a class', () => {
    expect(headCells(['Page', 'Event'])).toEqual([
      { key: 'Page', label: 'Page', class: undefined },
      { key: 'Event', label: 'Event', class: undefined },
    ]);
  });

  it('keeps the class of number and bar columns', () => {
    expect(headCells([num('Visitors'), barCol('Share')])).toEqual([
      { key: 'Visitors', label: 'Visitors', class: 'num' },
      { key: 'Share', label: 'Share', class: 'bar-col' },
    ]);
  });

  it('uses an explicit key, and the position when a label is not text', () => {
    expect(
      headCells([
        { label: 'x', class: 'num', key: 'k' },
        { label: null, class: 'num' },
      ]).map((c) => c.key),
    ).toEqual(['k', '1']);
  });

  it('keys repeated labels by label (callers give a key when two columns share one)', () => {
    expect(headCells([num('95% interval'), { label: '95% interval', class: 'num', key: 'lift-ci' }]).map((c) => c.key)).toEqual(['95% interval', 'lift-ci']);
  });
});
