/**
 * The URL rule for marketer content, zod-free so the dashboard and the sanitizer can use it without
 * pulling in the config schemas (personalization.ts builds `safeUrlSchema` from it).
 */
export const SAFE_URL = /^(https?:\/\/[^\s"'<>`]+|\/(?![\/\\])[^\s"'<>`]*|mailto:[^\s"'<>`]+|tel:[+0-9 ()-]+)$/i;
export const MAX_URL = 2_048;

/**
 * The same rule for URLs found in marketer HTML (sanitize.ts). `/\host` is refused like `//host`:
 * browsers read a backslash after the leading slash as a second slash, i.e. another host.
 */
export function isSafeUrl(url: string): boolean {
  return url.length <= MAX_URL && SAFE_URL.test(url);
}
