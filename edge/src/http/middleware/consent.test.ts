import { describe, expect, it } from 'vitest';
import { batchBody } from './batch';
import { batchConsent, policyConsent } from './consent';
import { fakeEnv, testApp, testSite } from './fake-env';
import { siteFromBatch, siteFromQuery } from './site';

const env = fakeEnv([testSite(), testSite({ id: 'strict', consentPolicy: 'opt-in' })]);
const byPolicy = testApp().get('/d', siteFromQuery, policyConsent, (c) => c.json(c.var.consent));
const byBatch = testApp().post('/e', batchBody, siteFromBatch, batchConsent, (c) => c.json(c.var.consent));

const page = { id: 'event-0001', type: 'page', ts: 1, sid: 'session-1', url: 'https://shop.example/' };
const choice = (analytics: boolean, personalization: boolean, ts = 2) => ({
  ...page,
  id: `consent-${ts}`,
  type: 'consent',
  ts,
  consent: { analytics, personalization },
});
const postBatch = (body: object, headers: Record<string, string> = {}) =>
  byBatch.request('/e', { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: JSON.stringify(body) }, env);

describe('policyConsent', () => {
  it('follows the site policy and the GPC header', async () => {
    expect(await (await byPolicy.request('/d?site=shop', {}, env)).json()).toEqual({ store: true, basis: 'default', personalize: true });
    expect(await (await byPolicy.request('/d?site=shop', { headers: { 'sec-gpc': '1' } }, env)).json()).toEqual({
      store: false,
      basis: 'gpc',
      personalize: false,
    });
    expect(await (await byPolicy.request('/d?site=strict', {}, env)).json()).toEqual({ store: false, basis: 'opt-in-pending', personalize: false });
  });
});

describe('batchConsent', () => {
  it("lets the batch's latest consent event win over GPC and the site policy", async () => {
    const body = { site: 'strict', events: [page, choice(false, false, 2), choice(true, false, 3)] };
    expect(await (await postBatch(body, { 'sec-gpc': '1' })).json()).toEqual({ store: true, basis: 'explicit', personalize: false });
  });

  it('uses the consent the snippet carries when the batch has no consent event', async () => {
    const body = { site: 'shop', consent: { analytics: false, personalization: false }, events: [page] };
    expect(await (await postBatch(body)).json()).toEqual({ store: false, basis: 'explicit-denial', personalize: false });
  });
});
