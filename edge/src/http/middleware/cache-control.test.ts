import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors';
import { cacheControl, noSharedCaching } from './cache-control';
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

describe('noSharedCaching', () => {
  it('gives no-store to answers that name no Cache-Control (404s, early errors), and keeps a route’s own', async () => {
    const app = testApp();
    app.use('/api/*', noSharedCaching);
    app.get('/api/health', (c) => c.json({ ok: true }));
    app.get('/api/early', () => {
      throw new HttpError(400, 'bad site');
    });
    app.get('/api/own', cacheControl('private, no-store'), (c) => c.json({ ok: true }));
    app.get('/api/cookie', (c) => {
      c.header('Set-Cookie', 'a=1', { append: true });
      c.header('Set-Cookie', 'b=2', { append: true });
      return c.json({ ok: true });
    });
    app.get('/page', (c) => c.text('not under the prefix'));
    expect((await app.request('/api/health')).headers.get('cache-control')).toBe('no-store');
    const early = await app.request('/api/early');
    expect(early.status).toBe(400);
    expect(early.headers.get('cache-control')).toBe('no-store');
    expect((await app.request('/api/nope')).headers.get('cache-control')).toBe('no-store');
    expect((await app.request('/api/own')).headers.get('cache-control')).toBe('private, no-store');
    const cookie = await app.request('/api/cookie');
    expect(cookie.headers.get('cache-control')).toBe('no-store');
    expect(cookie.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect((await app.request('/page')).headers.get('cache-control')).toBeNull();
  });
});
