import { describe, expect, it } from 'vitest';
import { dropBlank, idIssues, itemId } from './item-model';

describe('itemId', () => {
  it('trims the typed id and treats a missing one as empty', () => {
    expect(itemId({ id: '  road-runners ' })).toBe('road-runners');
    expect(itemId({})).toBe('');
  });
});

describe('idIssues', () => {
  const existing = [{ id: 'a' }, { id: 'b' }];
  it('requires an id', () => {
    expect(idIssues('', true, existing, 'slot')).toEqual([{ path: 'id', message: 'required' }]);
  });
  it('refuses an id taken by another item of a new one, with the advice appended', () => {
    expect(idIssues('a', true, existing, 'slot', ': pick another id')).toEqual([{ path: 'id', message: 'a slot “a” already exists: pick another id' }]);
    expect(idIssues('b', true, existing, 'webhook')).toEqual([{ path: 'id', message: 'a webhook “b” already exists' }]);
  });
  it('lets a saved item keep its own id', () => {
    expect(idIssues('a', false, existing, 'slot')).toEqual([]);
  });
});

describe('dropBlank', () => {
  it('leaves out blank optional text and keeps the rest', () => {
    expect(dropBlank({ id: 'x', description: '  ', selector: '#p', n: 0 }, ['description', 'selector', 'n'])).toEqual({ id: 'x', selector: '#p', n: 0 });
  });
});
