import { describe, expect, it } from 'vitest';
import { callerId } from './profile';

describe('callerId', () => {
  it('is the visitor id of a valid token, and 401 without one', () => {
    expect(callerId({ id: 'AAAAAAAAAAAAAAAAAAAAAA', presentedToken: true })).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(() => callerId({ id: null, presentedToken: false })).toThrow(/no visitor token/);
    expect(() => callerId({ id: null, presentedToken: true })).toThrow(/invalid or belongs to another site/);
  });
});
