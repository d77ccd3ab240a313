/**
 * Upstream redirects in proxy mode. The upstream answers for its own origin, so an absolute
 * `Location` on that origin (e.g. `https://origin.shop.example/login`) would take the visitor off
 * the proxied site; it is pointed at the host the visitor asked instead. Pure: no Worker globals.
 */

/**
 * The Location the browser should get: on the upstream's host (any scheme, so an http→https
 * upgrade counts) → the same path, query and fragment on `requestUrl`'s origin; relative, on another
 * host, or unparsable → unchanged.
 */
export function proxiedLocation(location: string, upstream: string, requestUrl: string): string {
  // Only an absolute or scheme-relative URL can name a host; anything else resolves against the
  // page the browser asked for, which is already the proxy's.
  if (!/^([a-z][a-z0-9+.-]*:)?\/\//i.test(location.trim())) return location;
  let target: URL;
  let origin: URL;
  let request: URL;
  try {
    request = new URL(requestUrl);
    target = new URL(location.trim(), request);
    origin = new URL(upstream);
  } catch {
    return location;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return location;
  if (target.host !== origin.host) return location;
  // Absolute, never `new URL(path, origin)`: an upstream path like `//evil.com/x` would turn into
  // the host evil.com; spelled out after our origin it stays a path on the proxied host.
  return `${request.origin}${target.pathname}${target.search}${target.hash}`;
}
