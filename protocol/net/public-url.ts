/**
 * The SSRF guard's pure half: is this URL an https address of a public host? Used where an
 * outbound URL is written (the config schemas, with a per-field reason) and again right before
 * the request (edge/src/net/guarded-fetch.ts). Pure: no DNS, no Worker globals, so the dashboard,
 * the config schema and Node tests run the same check.
 *
 * What it cannot see: where a public *name* resolves. workerd gives us no DNS lookup, so a name
 * that resolves (or later rebinds) to a private address is left to Cloudflare's egress, which does
 * not route Worker subrequests to private networks. Known wildcard-DNS services that map names to
 * any IP (nip.io and the like) are refused by name.
 */

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** The ports an outbound https request may use: the default one and 8443 (common for https APIs). */
export const ALLOWED_PORTS: readonly string[] = ['', '443', '8443'];

/** Names that only mean something inside a network (RFC 6761/6762/8375/9476 and common practice). */
const INTERNAL_SUFFIXES = [
  'localhost',
  'local',
  'localdomain',
  'internal',
  'intranet',
  'private',
  'lan',
  'home',
  'home.arpa',
  'corp',
  'domain',
  'test',
  'invalid',
  'example',
  'onion',
  'alt',
  'arpa',
  'in-addr.arpa',
  'ip6.arpa',
];

/** Public DNS services that answer any embedded IP (127.0.0.1.nip.io → 127.0.0.1). */
const WILDCARD_IP_DNS = ['nip.io', 'sslip.io', 'xip.io', 'traefik.me', 'localtest.me', 'lvh.me', 'vcap.me', 'lacolhost.com', 'localh.st'];

const endsWithName = (host: string, suffix: string) => host === suffix || host.endsWith(`.${suffix}`);

/** [start, prefix length, what] for IPv4 ranges that are not the public internet. */
const BLOCKED_V4: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.31.196.0', 24, 'AS112'],
  ['192.52.193.0', 24, 'AMT'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['192.175.48.0', 24, 'AS112'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];

function v4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Why a dotted-quad IPv4 address is not public, or null when it is. */
export function blockedIPv4(ip: string): string | null {
  const n = v4ToInt(ip);
  if (n === null) return 'not an IPv4 address';
  for (const [start, bits, what] of BLOCKED_V4) {
    const base = v4ToInt(start) as number;
    const size = 2 ** (32 - bits);
    if (n >= base && n < base + size) return `${what} address`;
  }
  return null;
}

/** The 8 groups of an IPv6 address as WHATWG URL serializes it (compressed, lower case, no zone). */
function v6Groups(ip: string): number[] | null {
  let text = ip;
  // An embedded dotted quad (the URL parser rewrites these to hex, but be safe).
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const n = v4ToInt(quad[1] as string);
    if (n === null) return null;
    text = `${text.slice(0, -quad[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : null;
}

const inPrefix = (groups: number[], prefix: number[], bits: number) => {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
};

/** [prefix groups, prefix length, what] for IPv6 ranges refused inside global unicast (2000::/3). */
const BLOCKED_V6: readonly [number[], number, string][] = [
  [[0x2001, 0x0000], 32, 'Teredo (embeds an IPv4 address)'],
  [[0x2001, 0x0002], 48, 'benchmarking'],
  [[0x2001, 0x0010], 28, 'ORCHID'],
  [[0x2001, 0x0020], 28, 'ORCHIDv2'],
  [[0x2001, 0x0db8], 32, 'documentation'],
  [[0x2002], 16, '6to4 (embeds an IPv4 address)'],
  [[0x3fff], 20, 'documentation'],
];

/** Why an IPv6 address (without brackets) is not public, or null when it is. */
export function blockedIPv6(ip: string): string | null {
  const g = v6Groups(ip);
  if (!g) return 'not an IPv6 address';
  if (g.every((x) => x === 0)) return 'unspecified address';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback address';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64) all
  // reach an IPv4 address through a translator we cannot see: refused whatever the address.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return 'IPv4-mapped or IPv4-compatible address';
  if (inPrefix(g, [0x0064, 0xff9b], 32)) return 'NAT64 address (embeds an IPv4 address)';
  if (inPrefix(g, [0xfe80], 10)) return 'link-local address';
  if (inPrefix(g, [0xfec0], 10)) return 'site-local address';
  if (inPrefix(g, [0xfc00], 7)) return 'unique local (private) address';
  if (inPrefix(g, [0xff00], 8)) return 'multicast address';
  // Anything outside global unicast (2000::/3) is reserved, discard (100::/64) or special.
  if (!inPrefix(g, [0x2000], 3)) return 'reserved address (outside global unicast 2000::/3)';
  for (const [prefix, bits, what] of BLOCKED_V6) if (inPrefix(g, prefix, bits)) return `${what} address`;
  return null;
}

/** The authority as written (between "//" and the path), to catch tricks the parser would normalize away. */
function rawAuthority(raw: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(raw);
  return m ? (m[1] ?? '') : null;
}

/** Why `host` (as WHATWG URL serialized it) is not a public host, or null when it is. */
export function blockedHost(host: string): string | null {
  if (host.startsWith('[')) return blockedIPv6(host.slice(1, -1));
  // The URL parser has already turned 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 into dotted quads.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return blockedIPv4(host);
  const name = host.replace(/\.$/, '');
  if (name === '' || !name.includes('.')) return 'a single-label (internal) host name';
  for (const suffix of INTERNAL_SUFFIXES) if (endsWithName(name, suffix)) return `an internal host name (.${suffix})`;
  for (const wildcard of WILDCARD_IP_DNS) if (endsWithName(name, wildcard)) return `a wildcard DNS name that can point anywhere (${wildcard})`;
  // A last label of digits would make the parser treat it as an IPv4 address; anything else odd:
  if (/^[\d.]+$/.test(name) || /(^|\.)0x[0-9a-f]*$/i.test(name)) return 'an IP address in an unusual spelling';
  return null;
}

/** Checks that `raw` is an https URL to a public host on an allowed port, without userinfo tricks. */
export function checkPublicUrl(raw: string): UrlVerdict {
  if (raw.length > 2_048) return { ok: false, reason: 'longer than 2048 characters' };
  // Whitespace, control characters and backslashes are normalized differently by different parsers.
  if (/[\s\u0000-\u001f\u007f\\]/.test(raw)) return { ok: false, reason: 'must not contain spaces, control characters or backslashes' };
  const authority = rawAuthority(raw);
  if (authority === null) return { ok: false, reason: 'must be an absolute https:// URL' };
  if (/[@%]/.test(authority)) return { ok: false, reason: 'no credentials or percent-encoding in the host part ("@" or "%")' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  // A fragment is never sent, and some parsers read an "@" after "#" as userinfo.
  if (raw.includes('#')) return { ok: false, reason: 'no #fragment (it is never sent)' };
  if (url.protocol !== 'https:') return { ok: false, reason: 'must use https://' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'no credentials in the URL' };
  if (!ALLOWED_PORTS.includes(url.port)) return { ok: false, reason: `port ${url.port} is not allowed (only the default 443, or 8443)` };
  const why = blockedHost(url.hostname);
  if (why) return { ok: false, reason: `${url.hostname} is not a public internet host: ${why}` };
  return { ok: true, url };
}

/**
 * The local demo's own receivers on this machine: the webhook sink (edge/src/webhooks/demo-sink.ts)
 * and the GA4-shaped one of destinations (edge/src/destinations/demo-ga4.ts); http://127.0.0.1 or
 * http://localhost, a port, those paths and nothing else. Accepted
 * in a config, but sent only when the edge runs with WM_DEMO (guarded-fetch.ts): never on a deployment.
 */
export const LOCAL_DEMO_SINK = /^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}\/_wm\/demo\/(webhook-sink|ga4\/mp\/collect)(\?[A-Za-z0-9=&_-]*)?$/;

/** The check for an outbound URL, as the config schemas use it: public https, or the local demo sink. */
export function checkOutboundUrl(raw: string, options: { allowLocalDemo: boolean }): UrlVerdict {
  if (LOCAL_DEMO_SINK.test(raw)) {
    return options.allowLocalDemo
      ? { ok: true, url: new URL(raw) }
      : { ok: false, reason: 'the local demo sink (http://127.0.0.1) is reachable only in the local demo (WM_DEMO)' };
  }
  return checkPublicUrl(raw);
}
