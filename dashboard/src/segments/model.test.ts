import { describe, expect, it } from 'vitest';
import {
  blankSegment,
  builderFromJson,
  conditionOrUndefined,
  fromModel,
  modelIssues,
  newRow,
  rowPath,
  rowProblems,
  segmentDraft,
  toModel,
  type Model,
} from './model';

describe('the condition builder model', () => {
  it('round-trips the leaves the form can show', () => {
    const c = {
      all: [
        { pref: 'sport', test: { op: 'in', value: ['road', 'trail'] } },
        { event: 'add_to_cart', min: 2, within: '7d' },
        { page: 'path', test: { op: 'starts_with', value: '/category' } },
        { device: 'mobile' },
        { identified: true },
      ],
    };
    const m = toModel(c)!;
    expect(m.combinator).toBe('all');
    expect(m.rows.map((r) => r.kind)).toEqual(['pref', 'event', 'page', 'device', 'identified']);
    expect(m.rows[0]!.value).toBe('road, trail');
    expect(fromModel(m)).toEqual(c);
  });

  it('types trait values: numbers and booleans compare as such', () => {
    const m: Model = { combinator: 'all', rows: [{ ...newRow('trait'), key: 'orders', op: 'eq', value: '3' }] };
    expect(fromModel(m)).toEqual({ trait: 'orders', test: { op: 'eq', value: 3 } });
  });

  it('leaves to JSON what it cannot show (not, nested groups)', () => {
    expect(toModel({ not: { device: 'mobile' } })).toBeNull();
    expect(toModel({ all: [{ any: [{ device: 'mobile' }] }] })).toBeNull();
  });

  it('places a row in the API issue paths', () => {
    const one: Model = { combinator: 'any', rows: [newRow()] };
    const two: Model = { combinator: 'any', rows: [newRow(), newRow()] };
    expect(rowPath(one, 0)).toBe('condition');
    expect(rowPath(two, 1)).toBe('condition.any.1');
  });

  it('finds what a row is missing before asking the API', () => {
    expect(rowProblems(newRow('pref'))).toEqual({ key: 'required', value: 'required' });
    expect(rowProblems({ ...newRow('page'), value: 'category' })).toEqual({ value: 'a path starts with /' });
    expect(rowProblems({ ...newRow('event'), key: 'buy', within: 'soon' })).toEqual({ within: 'like 30m, 2h or 7d' });
    expect(rowProblems({ ...newRow('trait'), key: 'age', op: 'gt', value: 'old' })).toEqual({ value: 'must be a number' });
  });

  it('names the rule and field of each problem', () => {
    const m: Model = { combinator: 'all', rows: [{ ...newRow('pref'), key: 'sport', value: 'road' }, newRow('event')] };
    expect(modelIssues(m)).toEqual([{ path: 'rule 2 name', message: 'required' }]);
  });
});

describe('switching between the form and JSON', () => {
  it('parses JSON the form can show', () => {
    expect(builderFromJson('{"device":"tablet"}')).toEqual({ model: { combinator: 'all', rows: [{ ...newRow(), kind: 'device', op: '', value: 'tablet' }] } });
  });
  it('says why it stays JSON', () => {
    expect(builderFromJson('{"not":{"device":"mobile"}}')).toEqual({ error: expect.stringContaining('keep editing it as JSON') });
    expect(builderFromJson('{oops')).toEqual({ error: expect.stringMatching(/^Not valid JSON: /) });
  });
  it('has nothing to count while the JSON does not parse', () => {
    expect(conditionOrUndefined('{')).toBeUndefined();
    expect(conditionOrUndefined('{"visitor":"new"}')).toEqual({ visitor: 'new' });
  });
});

describe('segmentDraft', () => {
  const existing = [{ id: 'runners', name: 'Runners', condition: {} }];
  it('saves the builder condition with the trimmed id and without a blank description', () => {
    const model: Model = { combinator: 'all', rows: [{ ...newRow(), key: 'sport', value: 'road' }] };
    const d = segmentDraft({ ...blankSegment(), id: ' road ', name: 'Road', description: ' ' }, { model }, { isNew: true, existing });
    expect(d).toEqual({ id: 'road', issues: [], body: { id: 'road', name: 'Road', condition: { pref: 'sport', test: { op: 'eq', value: 'road' } } } });
  });
  it('refuses bad JSON, a taken id and a missing one', () => {
    const d = segmentDraft({ id: 'runners', name: 'R' }, { json: '{' }, { isNew: true, existing });
    expect(d.jsonError).toMatch(/^Not valid JSON/);
    expect(d.issues).toEqual([
      { path: 'condition', message: 'not valid JSON' },
      { path: 'id', message: 'a segment “runners” already exists: pick another id' },
    ]);
    expect(segmentDraft({ id: '' }, { json: '{}' }, { isNew: false, existing }).issues).toEqual([{ path: 'id', message: 'required' }]);
  });
});

describe('the locale condition in the builder', () => {
  it('round-trips, normalizing tags to lower case', () => {
    const model = toModel({ locale: { in: ['fr', 'de-ch'] } })!;
    expect(model.rows[0]).toMatchObject({ kind: 'locale', value: 'fr, de-ch' });
    expect(fromModel({ combinator: 'all', rows: [{ ...model.rows[0]!, value: 'FR, de_CH' }] })).toEqual({ locale: { in: ['fr', 'de-ch'] } });
    expect(rowProblems({ ...model.rows[0]!, value: ' , ' })).toEqual({ value: 'name at least one language, like fr' });
  });
});
