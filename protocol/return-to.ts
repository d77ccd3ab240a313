/**
 * Return-to and redirect targets that come from a request or a person (a `?next=` parameter, a
 * page path typed into the dashboard): only a path on the same origin is followed. One pure check,
 * shared by the edge and the dashboard, so every place refuses the same open-redirect tricks.
 */

const MAX_LENGTH = 2048;
/** A URL that resolves against this base and keeps it is on our origin; any other origin is off-site. */
const PROBE_BASE = 'https://return-to.invalid';
/** Percent-decoding rounds we look through: `%252f` hides `%2f`, which hides `/`. */
const DECODE_ROUNDS = 3;

/** Controls, spaces (incl. Unicode spaces and the BOM) and backslashes: no path we hand out has them, even encoded. */
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/;

/**
 * True when the text starts like a host rather than a path: `//x`, `/\x`, `\x`, or anything that is
 * not `/` first (`https:…`, `javascript:…`, `evil.com`, a relative `x/y`).
 */
function startsOffPath(text: string): boolean {
  return !text.startsWith('/') || text.startsWith('//') || text.startsWith('/\\');
}

/**
 * `raw` as a same-origin path (pathname + query + fragment, as the URL parser normalizes it), or
 * `fallback` when it could leave the site: not starting with a single `/`, a scheme, `//` or `/\`
 * (browsers read `\` as `/`), control characters or whitespace (parsers drop tabs and newlines, so
 * `/\t/evil.com` is `//evil.com`), backslashes anywhere, any of these or a `//` or `/\` start
 * hidden behind percent-encoding, dot segments that collapse into `//`, or more than 2048 characters.
 */
export function safeReturnTo(raw: unknown, fallback: string | null = null): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return fallback;
  let decoded = raw;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    // Raw text is checked whole; decoded, only its path (a query may well hold an encoded space).
    const checked = round === 0 ? decoded : (decoded.split(/[?#]/)[0] ?? '');
    if (startsOffPath(decoded) || UNSAFE_CHARACTERS.test(checked)) return fallback;
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback; // malformed percent-encoding: not a path anyone meant
    }
    if (next === decoded) break;
    decoded = next;
  }
  let url: URL;
  try {
    url = new URL(raw, PROBE_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_BASE || url.username || url.password) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.com` normalizes to `//evil.com`: check what we would actually hand out.
  return startsOffPath(path) ? fallback : path;
}
