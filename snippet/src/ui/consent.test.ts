import { describe, expect, it } from 'vitest';
import { personalize } from './consent';

const yes = { analytics: true, personalization: true };

describe('personalize: may slots be filled and decisions cached', () => {
  it('opt-out site: yes, unless Global Privacy Control is on', () => {
    expect(personalize(undefined, undefined, false)).toBe(true);
    expect(personalize(undefined, false, false)).toBe(true);
    expect(personalize(undefined, true, false)).toBe(false);
  });
  it('opt-in site: not before the visitor agrees', () => {
    expect(personalize(undefined, undefined, true)).toBe(false);
    expect(personalize(yes, undefined, true)).toBe(true);
  });
  it('an explicit choice wins over GPC, and needs both analytics and personalization', () => {
    expect(personalize(yes, true, false)).toBe(true);
    expect(personalize({ analytics: true, personalization: false }, undefined, false)).toBe(false);
    expect(personalize({ analytics: false, personalization: true }, undefined, false)).toBe(false);
    expect(personalize({ analytics: false, personalization: false }, true, true)).toBe(false);
  });
  it('a corrupt stored choice means no', () => {
    expect(personalize(1, undefined, false)).toBe(false);
    expect(personalize({}, undefined, false)).toBe(false);
  });
});
