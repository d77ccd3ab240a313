import { describe, expect, it } from 'vitest';
import { batchBody } from './batch';
import { fakeEnv, testApp } from './fake-env';
import { siteFromBatch, siteFromQuery } from './site';

const byQuery = testApp().get('/s', siteFromQuery, (c) => c.json({ id: c.var.site.id, policy: c.var.site.consentPolicy }));
const byBatch = testApp().post('/e', batchBody, siteFromBatch, (c) => c.json({ id: c.var.site.id }));

describe('siteFromQuery', () => {
  it('puts the site named by ?site= in c.var.site', async () => {
    const res = await byQuery.request('/s?site=shop', {}, fakeEnv());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'shop', policy: 'opt-out' });
  });

  it('400 for a missing or malformed id, 404 for an unknown site', async () => {
    const missing = await byQuery.request('/s', {}, fakeEnv());
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'site: missing' });
    expect((await byQuery.request('/s?site=Not%20A%20Site!', {}, fakeEnv())).status).toBe(400);
    const unknown = await byQuery.request('/s?site=elsewhere', {}, fakeEnv());
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown site "elsewhere"' });
  });
});

describe('siteFromBatch', () => {
  const post = (site: string) =>
    byBatch.request(
      '/e',
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ site, events: [{ id: 'event-0001', type: 'page', ts: 1, sid: 'session-1', url: 'https://shop.example/' }] }),
      },
      fakeEnv(),
    );

  it('takes the site from the parsed batch', async () => {
    expect(await (await post('shop')).json()).toEqual({ id: 'shop' });
    expect((await post('elsewhere')).status).toBe(404);
  });
});
