import { describe, expect, it } from 'vitest';
import { identifyArgs, pageArgs, split } from './args';

const cb = () => 1;

describe("analytics.js's argument rules", () => {
  it('track(event, properties?, options?, callback?)', () => {
    expect(split(['Signed Up', { plan: 'pro' }, { context: {} }, cb], 1)).toEqual({
      lead: ['Signed Up'],
      props: { plan: 'pro' },
      options: { context: {} },
      callback: cb,
    });
    expect(split(['Signed Up', cb], 1)).toEqual({ lead: ['Signed Up'], callback: cb });
    expect(split(['Signed Up', { plan: 'pro' }, cb], 1)).toEqual({ lead: ['Signed Up'], props: { plan: 'pro' }, callback: cb });
    expect(split(['Signed Up'], 1)).toEqual({ lead: ['Signed Up'] });
  });

  it('page(category?, name?, properties?, options?, callback?)', () => {
    expect(pageArgs([])).toEqual({ props: {} });
    expect(pageArgs(['Pricing'])).toEqual({ props: { name: 'Pricing' } });
    expect(pageArgs(['Docs', 'Setup', { path: '/docs' }, cb])).toEqual({ props: { path: '/docs', name: 'Setup', category: 'Docs' }, callback: cb });
    expect(pageArgs([{ path: '/x' }, { context: {} }])).toEqual({ props: { path: '/x' }, options: { context: {} } });
    expect(pageArgs([cb])).toEqual({ props: {}, callback: cb });
  });

  it('identify(userId?, traits?, options?, callback?)', () => {
    expect(identifyArgs(['u1', { plan: 'pro' }, cb])).toEqual({ userId: 'u1', traits: { plan: 'pro' }, callback: cb });
    expect(identifyArgs([{ email: 'a@b.c' }])).toEqual({ traits: { email: 'a@b.c' } });
    expect(identifyArgs([42])).toEqual({ userId: '42' });
    expect(identifyArgs([null, { a: 1 }])).toEqual({ traits: { a: 1 } });
  });
});
