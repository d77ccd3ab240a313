import { describe, expect, it } from 'vitest';
import { serverMayStore } from './consent';

const yes = { analytics: true, personalization: true };
const no = { analytics: false, personalization: false };

describe('consent for server events', () => {
  it("the message's own consent object decides first", () => {
    expect(serverMayStore({ policy: 'opt-in', explicit: yes }, null)).toBe(true);
    expect(serverMayStore({ policy: 'opt-in', explicit: yes }, no)).toBe(true);
    expect(serverMayStore({ policy: 'opt-out', explicit: no }, yes)).toBe(false);
  });

  it("then the visitor's stored choice: a refusal is never overridden by the site's server", () => {
    expect(serverMayStore({ policy: 'opt-out' }, no)).toBe(false);
    expect(serverMayStore({ policy: 'opt-in' }, yes)).toBe(true);
  });

  it('then the site policy: opt-out stores, opt-in needs a recorded yes', () => {
    expect(serverMayStore({ policy: 'opt-out' }, null)).toBe(true);
    expect(serverMayStore({ policy: 'opt-in' }, null)).toBe(false);
  });
});
