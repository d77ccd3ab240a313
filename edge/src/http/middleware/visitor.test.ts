import { describe, expect, it } from 'vitest';
import { signVisitorToken } from '../../identity/token';
import { batchBody } from './batch';
import { fakeEnv, testApp, testSite, TEST_SECRET } from './fake-env';
import { siteFromBatch, siteFromQuery } from './site';
import { batchVisitor, tokenVisitor } from './visitor';

const env = fakeEnv([testSite(), testSite({ id: 'other' })]);
const byToken = testApp().get('/me', siteFromQuery, tokenVisitor, (c) => c.json(c.var.visitor));
const byBatch = testApp().post('/e', batchBody, siteFromBatch, batchVisitor, (c) => c.json(c.var.visitor));

const ID_A = 'AAAAAAAAAAAAAAAAAAAAAA';
const ID_B = 'BBBBBBBBBBBBBBBBBBBBBB';
const token = (id: string, site = 'shop') => signVisitorToken(TEST_SECRET, site, id);
const me = (headers: Record<string, string>) => byToken.request('/me?site=shop', { headers }, env);
const postBatch = (vid: string | undefined, cookie?: string) =>
  byBatch.request(
    '/e',
    {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({
        site: 'shop',
        ...(vid ? { vid } : {}),
        events: [{ id: 'event-0001', type: 'page', ts: 1, sid: 'session-1', url: 'https://shop.example/' }],
      }),
    },
    env,
  );

describe('tokenVisitor', () => {
  it('reads the visitor id from the cookie, or from a Bearer token first', async () => {
    expect(await (await me({ cookie: `wm_vid=${await token(ID_A)}` })).json()).toEqual({ id: ID_A, presentedToken: true });
    const both = { cookie: `wm_vid=${await token(ID_A)}`, authorization: `Bearer ${await token(ID_B)}` };
    expect(await (await me(both)).json()).toEqual({ id: ID_B, presentedToken: true });
  });

  it('tells no token apart from a forged or foreign one; only the first token present is tried', async () => {
    expect(await (await me({})).json()).toEqual({ id: null, presentedToken: false });
    expect(await (await me({ cookie: `wm_vid=${await token(ID_A, 'other')}` })).json()).toEqual({ id: null, presentedToken: true });
    const forgedBearer = { cookie: `wm_vid=${await token(ID_A)}`, authorization: `Bearer ${ID_B}.forged` };
    expect(await (await me(forgedBearer)).json()).toEqual({ id: null, presentedToken: true });
  });
});

describe('batchVisitor', () => {
  it('prefers the cookie, and falls back to the payload token when the cookie is not valid', async () => {
    expect(await (await postBatch(await token(ID_B), `wm_vid=${await token(ID_A)}`)).json()).toEqual({ id: ID_A, presentedToken: true });
    expect(await (await postBatch(await token(ID_B), 'wm_vid=garbage')).json()).toEqual({ id: ID_B, presentedToken: true });
    expect(await (await postBatch(undefined)).json()).toEqual({ id: null, presentedToken: false });
  });
});
