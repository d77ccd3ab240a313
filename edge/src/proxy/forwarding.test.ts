import { describe, expect, it } from 'vitest';
import { privateIfSetsCookie, SPOOFABLE_REQUEST_HEADERS, upstreamHeaders, withoutOurSetCookies } from './forwarding';

describe('upstreamHeaders', () => {
  it('drops every forwarding and override header the visitor sent and states the real host and scheme', () => {
    const sent = new Headers({ accept: 'text/html', 'x-custom': '1', 'x-forwarded-for': '198.51.100.7' });
    for (const name of SPOOFABLE_REQUEST_HEADERS) sent.set(name, name === 'host' ? 'evil.example' : `canary-${name}.evil.example`);
    sent.set('x-http-method-override', 'DELETE');
    for (const name of ['x-forwarded-proto', 'x-forwarded-scheme', 'x-forwarded-ssl', 'x-forwarded-port', 'x-forwarded-prefix', 'x-forwarded-anything'])
      sent.set(name, `canary-${name}`);
    const out = upstreamHeaders(sent, new URL('https://shop.example.com/cart'));
    for (const name of SPOOFABLE_REQUEST_HEADERS) expect(out.get(name)).toBeNull();
    for (const name of ['x-forwarded-scheme', 'x-forwarded-ssl', 'x-forwarded-port', 'x-forwarded-prefix', 'x-forwarded-anything'])
      expect(out.get(name)).toBeNull();
    expect(out.get('x-forwarded-host')).toBe('shop.example.com');
    expect(out.get('x-forwarded-proto')).toBe('https');
    expect([...out.values()].join(' ')).not.toMatch(/canary|evil|DELETE/);
    // The rest passes: the page's own headers, and the client IP chain Cloudflare maintains.
    expect(out.get('accept')).toBe('text/html');
    expect(out.get('x-custom')).toBe('1');
    expect(out.get('x-forwarded-for')).toBe('198.51.100.7');
  });

  it('keeps a port in the forwarded host', () => {
    expect(upstreamHeaders(new Headers(), new URL('http://localhost:8787/')).get('x-forwarded-host')).toBe('localhost:8787');
  });
});

describe('privateIfSetsCookie', () => {
  const response = (headers: Record<string, string>) => new Response('x', { status: 302, headers });

  it.each([
    [{ 'set-cookie': 'flash=1', 'cache-control': 'public, max-age=600' }],
    [{ 'set-cookie': 'flash=1', 'cache-control': 'max-age=600, s-maxage=3600' }],
    [{ 'set-cookie': 'flash=1' }],
    [{ 'set-cookie': 'flash=1', 'cache-control': 'private', 'cdn-cache-control': 'max-age=60' }],
  ])('makes a cookie-setting answer private: %j', (headers) => {
    const out = privateIfSetsCookie(response(headers));
    expect(out.headers.get('cache-control')).toBe('private, no-store');
    expect(out.headers.get('cdn-cache-control')).toBeNull();
    expect(out.headers.getSetCookie()).toEqual(['flash=1']);
    expect(out.status).toBe(302);
  });

  it('leaves answers without a cookie, or already private, as they are', () => {
    const publicCss = response({ 'cache-control': 'public, max-age=31536000' });
    expect(privateIfSetsCookie(publicCss)).toBe(publicCss);
    const privateOne = response({ 'set-cookie': 'a=1', 'cache-control': 'private, max-age=0' });
    expect(privateIfSetsCookie(privateOne)).toBe(privateOne);
  });
});

describe('withoutOurSetCookies', () => {
  const OURS = ['wm_vid', 'wm_admin', '__Host-wm_admin'];
  it("drops an upstream Set-Cookie of a Waymark cookie and keeps the site's own", () => {
    const headers = new Headers({ 'content-type': 'text/html' });
    headers.append('set-cookie', '__Host-wm_admin=planted; Path=/; Secure; HttpOnly');
    headers.append('set-cookie', 'cart=42; Path=/');
    headers.append('set-cookie', 'wm_vid=forged; Path=/');
    headers.append('set-cookie', 'wm_vidx=theirs; Path=/');
    const out = withoutOurSetCookies(new Response('page', { headers }), OURS);
    expect(out.headers.getSetCookie()).toEqual(['cart=42; Path=/', 'wm_vidx=theirs; Path=/']);
    expect(out.headers.get('content-type')).toBe('text/html');
  });
  it('leaves an answer without such cookies as it is', () => {
    const plain = new Response('x', { headers: { 'set-cookie': 'cart=1' } });
    expect(withoutOurSetCookies(plain, OURS)).toBe(plain);
  });
});
