import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../../protocol/limits';
import { batchBody } from './batch';
import { fakeEnv, testApp } from './fake-env';

const app = testApp().post('/e', batchBody, (c) => c.json(c.var.batch));
const event = { id: 'event-0001', type: 'track', name: 'add_to_cart', ts: 1, sid: 'session-1', url: 'https://shop.example/' };
const send = (body: string, type = 'text/plain') => app.request('/e', { method: 'POST', headers: { 'content-type': type }, body }, fakeEnv());

describe('batchBody', () => {
  it('parses the batch once into c.var.batch', async () => {
    const res = await send(JSON.stringify({ site: 'shop', vid: 'token', events: [event] }), 'application/json; charset=utf-8');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ site: 'shop', vid: 'token', events: [{ id: 'event-0001' }], rejected: [] });
  });

  it('refuses other content types (415), bad JSON (400) and oversized bodies (413)', async () => {
    expect((await send('{}', 'application/x-www-form-urlencoded')).status).toBe(415);
    const bad = await send('{not json');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toHaveProperty('error');
    expect((await send('x'.repeat(MAX_BODY_BYTES + 1))).status).toBe(413);
  });

  it('names each refused event when none is left', async () => {
    const res = await send(JSON.stringify({ site: 'shop', events: [{ ...event, type: 'nope' }] }));
    expect(res.status).toBe(400);
    expect((await res.json<{ rejected: unknown[] }>()).rejected).toHaveLength(1);
  });
});
