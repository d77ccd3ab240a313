/**
 * What proxy mode tells the upstream about the request, and what it keeps from the visitor. Pure:
 * no Worker globals.
 *
 * A visitor may send any header, and many origin frameworks build absolute URLs, redirects and
 * routes from forwarding and override headers (`X-Forwarded-Host`, `Forwarded`, `X-Original-URL`,
 * `X-HTTP-Method-Override`, …). Passed on, they let one visitor make the origin answer with an
 * attacker's host or scheme, or as another method, and a cache in front of the origin (which does
 * not key on them) would hand that answer to everyone: cache poisoning through unkeyed headers.
 * So the visitor's copies are dropped and the proxy states the real host and scheme itself.
 * Client-IP headers (`X-Forwarded-For`, `CF-Connecting-IP`, `True-Client-IP`) are Cloudflare's to
 * set and pass as they came.
 */

/** Request headers a visitor must not choose for the upstream (lowercase). */
export const SPOOFABLE_REQUEST_HEADERS: readonly string[] = [
  // Host and URL, as proxies and frameworks spell them.
  'host',
  'forwarded',
  'forwarded-host',
  'x-forwarded',
  'x-host',
  'x-original-host',
  'x-original-forwarded-host',
  'x-original-forwarded-for',
  'x-original-url',
  'x-original-uri',
  'x-rewrite-url',
  'x-http-host-override',
  'x-backend-host',
  'x-backend-server',
  'x-real-host',
  'x-frontend-host',
  'x-custom-host',
  'x-server-name',
  'proxy-host',
  'x-proxy-host',
  'x-proxy-url',
  'origin-host',
  'base-url',
  'x-base-url',
  'x-override-url',
  'request-uri',
  'x-request-uri',
  'referer-override',
  'x-http-destinationurl',
  'x-envoy-original-path',
  'x-amz-website-redirect-location',
  // Scheme.
  'x-url-scheme',
  'x-scheme',
  'front-end-https',
  // Method overrides.
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  // Framework internals a visitor must never reach (Next.js middleware bypass, CVE-2025-29927).
  'x-middleware-subrequest',
  'x-invoke-path',
];

/** Every `X-Forwarded-*` but `-For` (the client IP chain) is about host, scheme, port or path. */
const isSpoofable = (name: string) => (name.startsWith('x-forwarded-') && name !== 'x-forwarded-for') || SPOOFABLE_REQUEST_HEADERS.includes(name);

/** The headers to send upstream: the visitor's, minus the spoofable ones, plus the real host and scheme. */
export function upstreamHeaders(from: Headers, requestUrl: URL): Headers {
  const headers = new Headers();
  for (const [name, value] of from) if (!isSpoofable(name)) headers.append(name, value);
  headers.set('x-forwarded-host', requestUrl.host);
  headers.set('x-forwarded-proto', requestUrl.protocol.replace(':', ''));
  return headers;
}

/** Headers that would let a shared cache or CDN keep a response (as personalize/rewrite.ts drops them). */
const SHARED_CACHE_HEADERS = ['cdn-cache-control', 'cloudflare-cdn-cache-control', 'surrogate-control'];

/**
 * A response passed through untouched but for this: one that sets a cookie is about one visitor, so
 * no shared cache may store it, whatever the upstream said (`public`, `s-maxage`).
 */
export function privateIfSetsCookie(response: Response): Response {
  if (!response.headers.has('set-cookie')) return response;
  const cacheControl = response.headers.get('cache-control') ?? '';
  const shared = /(^|,)\s*(public|s-maxage)\b/i.test(cacheControl) || !/(^|,)\s*(private|no-store)\b/i.test(cacheControl);
  if (!shared && SHARED_CACHE_HEADERS.every((name) => !response.headers.has(name))) return response;
  const out = new Response(response.body, response);
  out.headers.set('cache-control', 'private, no-store');
  for (const name of SHARED_CACHE_HEADERS) out.headers.delete(name);
  return out;
}

/**
 * The upstream's answer without any Set-Cookie of a cookie that is Waymark's (`names`): an origin
 * must not plant or overwrite the visitor token or the admin session (session fixation through the
 * proxied host). Its own cookies pass as they came.
 */
export function withoutOurSetCookies(response: Response, names: readonly string[]): Response {
  const all = response.headers.getSetCookie();
  const ours = (line: string) => names.includes(line.slice(0, line.indexOf('=')).trim());
  if (!all.some(ours)) return response;
  const out = new Response(response.body, response);
  out.headers.delete('set-cookie');
  for (const line of all) if (!ours(line)) out.headers.append('set-cookie', line);
  return out;
}
