/**
 * HTML that reads the same under any charset a page may be decoded with.
 *
 * Proxy mode inserts HTML (filled slots, the snippet tag, the messages block) into pages whose
 * charset the worker cannot always know: it may be declared only in a `<meta>` element, or not at
 * all (the browser then guesses, e.g. windows-1252 or GBK). Every ASCII-compatible charset reads
 * ASCII bytes alike, so the inserted HTML is written in ASCII only: each non-ASCII code point
 * becomes a numeric character reference (`é` → `&#xe9;`), which HTML resolves to the same
 * character in text and in attribute values, whatever the page's charset.
 *
 * Where a reference would not be read as one, the code point is left out of reach differently:
 * inside `<script>` and `<style>` (raw text: a reference stays literal), JSON and CSS escapes
 * (`\u00e9`, `\e9 `) would be needed; the edge never inserts non-ASCII there (the messages block
 * escapes its JSON with asciiJson below), and sanitized marketer HTML has no such elements.
 * Comments are also raw: a reference in one changes nothing a visitor sees. Pure; no Worker globals.
 */
import type { Decision } from '../../../protocol/wire';

const NON_ASCII = /[^\x00-\x7f]/gu;

/** `html` with every non-ASCII code point as `&#x…;` (a surrogate pair is one reference; a lone surrogate becomes U+FFFD). */
export function asciiSafeHtml(html: string): string {
  return html.replace(NON_ASCII, reference);
}

function reference(char: string): string {
  const code = char.codePointAt(0) ?? 0xfffd;
  // A lone surrogate is not a character; HTML would read its reference as U+FFFD anyway.
  return `&#x${(code >= 0xd800 && code <= 0xdfff ? 0xfffd : code).toString(16)};`;
}

/** JSON text with every non-ASCII UTF-16 unit as `\uXXXX` (still the same JSON value), for raw-text elements. */
export function asciiJson(json: string): string {
  return json.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The decisions with each slot's HTML made ascii-safe (messages travel as JSON: see asciiJson). */
export function asciiSafeDecisions(decisions: readonly Decision[]): Decision[] {
  return decisions.map((d) => {
    if (d.kind !== 'slot') return d;
    // Every locale's text too: the page's lang may pick any of them (rewrite.ts).
    const locales = d.locales ? { locales: Object.fromEntries(Object.entries(d.locales).map(([tag, html]) => [tag, asciiSafeHtml(html)])) } : {};
    return { ...d, html: asciiSafeHtml(d.html), ...locales };
  });
}
