import { describe, expect, it } from 'vitest';
import { cacheControl } from './cache-control';
import { testApp } from './fake-env';

describe('cacheControl', () => {
  it('marks the answer, errors included, as not for any shared cache', async () => {
    const app = testApp()
      .get('/ok', cacheControl('private, no-store'), (c) => c.json({ ok: true }))
      .get('/fail', cacheControl('no-store'), () => {
        throw new Error('boom');
      });
    expect((await app.request('/ok')).headers.get('cache-control')).toBe('private, no-store');
    expect((await app.request('/fail')).status).toBe(500);
  });
});
