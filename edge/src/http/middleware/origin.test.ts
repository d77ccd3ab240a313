import { describe, expect, it } from 'vitest';
import { fakeEnv, SHOP_ORIGIN, testApp } from './fake-env';
import { allowedOrigin, preflight } from './origin';
import { siteFromQuery } from './site';

const app = testApp().get('/s', siteFromQuery, allowedOrigin, (c) => c.json({ ok: true }));
app.options('/s', preflight);
const get = (origin?: string) => app.request('/s?site=shop', { headers: origin ? { origin } : {} }, fakeEnv());

describe('allowedOrigin', () => {
  it('echoes CORS headers for an origin the site allows', async () => {
    const res = await get(SHOP_ORIGIN);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('refuses any other browser origin with 403 and no CORS header', async () => {
    const res = await get('https://evil.example');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'origin https://evil.example is not allowed for site "shop"' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a request without Origin (a server, curl) through without CORS headers', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('preflight', () => {
  it('says yes to any origin: the real request is checked', async () => {
    const res = await app.request('/s', { method: 'OPTIONS', headers: { origin: 'https://anywhere.example' } }, fakeEnv());
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': 'https://anywhere.example',
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': 'Content-Type, Authorization',
      'access-control-max-age': '86400',
      vary: 'Origin',
    });
  });
});
