/**
 * Marketer HTML → HTML that cannot run script in a visitor's page.
 *
 * A small tokenizer (modelled on the HTML spec's, without the tree builder) reads the input, and
 * the output is written fresh from the tokens: allowlisted elements and attributes only, every
 * attribute double-quoted, every text and attribute value escaped. Nothing is copied from the
 * input as raw markup, so whatever our tokenizer gets wrong about odd input, the browser parses
 * our output exactly as we wrote it: only the allowlist's plain elements (none with raw text or
 * foreign content), which closes the door on mutation XSS.
 *
 * Pure TypeScript, no DOM: runs in workerd (every decision) and in Node (config writes, tests).
 */
import { isSafeUrl } from './url';

/** Allowed elements deeper than this are dropped (their text kept). */
export const MAX_DEPTH = 32;
/** Output beyond this is cut at a token boundary (open elements are still closed). */
export const MAX_OUTPUT = 50_000;

const ALLOWED = new Set([
  'p',
  'div',
  'span',
  'h1',
  'h2',
  'h3',
  'h4',
  'strong',
  'b',
  'em',
  'i',
  'u',
  'small',
  'br',
  'hr',
  'ul',
  'ol',
  'li',
  'a',
  'img',
  'blockquote',
  'figure',
  'figcaption',
  'section',
]);
/** Elements without end tag or content. */
const VOID = new Set(['br', 'hr', 'img', 'area', 'base', 'col', 'embed', 'frame', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/**
 * Elements whose content the browser reads as text up to their end tag (RAWTEXT, RCDATA,
 * PLAINTEXT, and noscript since scripting is on): our tokenizer skips that text the same way.
 */
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'textarea', 'title', 'plaintext']);
/** Dropped together with everything inside them: their content is code, or not meant as text. */
const DROP_CONTENT = new Set([
  ...RAW_TEXT,
  'template',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'select',
  'option',
  'optgroup',
  'datalist',
  'frame',
  'frameset',
  'form',
  'input',
  'button',
  'link',
  'meta',
  'base',
  'head',
]);
/** Starting one of these closes an open <p>, as the browser does (keeps our tree and its tree alike). */
const CLOSES_P = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'hr', 'ul', 'ol', 'blockquote', 'figure', 'figcaption', 'section']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4']);

export type Token =
  | { kind: 'text'; text: string }
  | { kind: 'start'; name: string; attrs: [name: string, value: string][]; selfClosing: boolean }
  | { kind: 'end'; name: string };

// ---------------------------------------------------------------------------------------------
// Entities

/**
 * Common named references. An unknown one stays as literal text, which is safe: we re-escape its
 * `&`, so the browser does not decode it either (it only costs fidelity, e.g. a visible "&hearts;").
 */
const NAMED = new Map<string, string>(
  Object.entries({
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: '\u00a0',
    shy: '\u00ad',
    copy: '©',
    reg: '®',
    trade: '™',
    hellip: '…',
    mdash: '—',
    ndash: '–',
    lsquo: '‘',
    rsquo: '’',
    sbquo: '‚',
    ldquo: '“',
    rdquo: '”',
    bdquo: '„',
    laquo: '«',
    raquo: '»',
    lsaquo: '‹',
    rsaquo: '›',
    bull: '•',
    middot: '·',
    euro: '€',
    pound: '£',
    yen: '¥',
    cent: '¢',
    curren: '¤',
    times: '×',
    divide: '÷',
    deg: '°',
    plusmn: '±',
    sect: '§',
    para: '¶',
    dagger: '†',
    Dagger: '‡',
    permil: '‰',
    prime: '′',
    Prime: '″',
    frac12: '½',
    frac14: '¼',
    frac34: '¾',
    sup1: '¹',
    sup2: '²',
    sup3: '³',
    micro: 'µ',
    iexcl: '¡',
    iquest: '¿',
    larr: '←',
    rarr: '→',
    uarr: '↑',
    darr: '↓',
    harr: '↔',
    check: '✓',
    star: '☆',
    hearts: '♥',
    zwj: '\u200d',
    zwnj: '\u200c',
    ensp: '\u2002',
    emsp: '\u2003',
    thinsp: '\u2009',
    Tab: '\t',
    NewLine: '\n',
    colon: ':',
    sol: '/',
    bsol: '\\',
    lpar: '(',
    rpar: ')',
    comma: ',',
    period: '.',
    excl: '!',
    quest: '?',
    num: '#',
    dollar: '$',
    percnt: '%',
    ast: '*',
    plus: '+',
    equals: '=',
    lowbar: '_',
    grave: '`',
    Hat: '^',
    verbar: '|',
    vert: '|',
    lsqb: '[',
    rsqb: ']',
    lbrack: '[',
    rbrack: ']',
    lcub: '{',
    rcub: '}',
    lbrace: '{',
    rbrace: '}',
    semi: ';',
    commat: '@',
    Auml: 'Ä',
    auml: 'ä',
    Ouml: 'Ö',
    ouml: 'ö',
    Uuml: 'Ü',
    uuml: 'ü',
    szlig: 'ß',
    eacute: 'é',
    Eacute: 'É',
    egrave: 'è',
    agrave: 'à',
    aacute: 'á',
    ccedil: 'ç',
    ntilde: 'ñ',
    oacute: 'ó',
    iacute: 'í',
    uacute: 'ú',
    ecirc: 'ê',
    acirc: 'â',
    ocirc: 'ô',
    aring: 'å',
    oslash: 'ø',
    aelig: 'æ',
  }),
);
/** Named references browsers also decode without the `;` (the legacy ones marketers actually type). */
const LEGACY = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp', 'copy', 'reg']);

const ENTITY = /&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*)(;?))/g;

function fromCodePoint(cp: number): string {
  // As the spec: NUL, surrogates and anything past Unicode become U+FFFD.
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/**
 * Decodes character references. In attribute values a legacy reference without `;` followed by
 * a letter, digit or `=` stays literal (`?a=1&copy=2` is a query string, not "©=2").
 */
export function decodeEntities(s: string, inAttribute: boolean): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (ref, hex: string | undefined, dec: string | undefined, name: string | undefined, semi: string, at: number) => {
    if (hex !== undefined) return fromCodePoint(hex.length > 8 ? Infinity : parseInt(hex, 16));
    if (dec !== undefined) return fromCodePoint(dec.length > 9 ? Infinity : parseInt(dec, 10));
    const char = name === undefined ? undefined : NAMED.get(name);
    if (char === undefined) return ref;
    if (semi) return char;
    if (!LEGACY.has(name as string)) return ref;
    const next = s[at + ref.length] ?? '';
    return inAttribute && /[A-Za-z0-9=]/.test(next) ? ref : char;
  });
}

/** Text content: `&`, `<`, `>` escaped; no-break spaces written as `&nbsp;` so they stay visible. */
export function escapeText(s: string): string {
  return s.replace(/[&<>\u00a0]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&nbsp;'));
}

/** A double-quoted attribute value (`<` and `>` too, so no later parser can mistake it for markup). */
export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\u00a0]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&nbsp;'));
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\f';
/** ASCII only: `toLowerCase` would also fold e.g. the Kelvin sign into "k". */
const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

type TagRead = { name: string; attrs: [string, string][]; selfClosing: boolean; end: number };

/**
 * Reads a tag from its name (at `i`) to its `>`; null when the input ends first, in which case the
 * browser drops the half tag and everything after it, and so do we.
 */
function readTag(src: string, i: number): TagRead | null {
  const n = src.length;
  let j = i;
  while (j < n && !isSpace(src[j]) && src[j] !== '/' && src[j] !== '>') j++;
  const name = asciiLower(src.slice(i, j));
  const attrs: [string, string][] = [];
  let selfClosing = false;
  for (;;) {
    while (j < n && (isSpace(src[j]) || (src[j] === '/' && src[j + 1] !== '>'))) j++;
    if (j >= n) return null;
    if (src[j] === '>') return { name, attrs, selfClosing, end: j + 1 };
    if (src[j] === '/') {
      selfClosing = true;
      return { name, attrs, selfClosing, end: j + 2 };
    }
    // Attribute name: the first character may be anything but space, / and > (even "=").
    const start = j++;
    while (j < n && !isSpace(src[j]) && src[j] !== '/' && src[j] !== '>' && src[j] !== '=') j++;
    const attrName = asciiLower(src.slice(start, j));
    while (j < n && isSpace(src[j])) j++;
    let value = '';
    if (src[j] === '=') {
      j++;
      while (j < n && isSpace(src[j])) j++;
      const quote = src[j];
      if (quote === '"' || quote === "'") {
        const close = src.indexOf(quote, j + 1);
        if (close === -1) return null;
        value = src.slice(j + 1, close);
        j = close + 1;
      } else {
        const from = j;
        while (j < n && !isSpace(src[j]) && src[j] !== '>') j++;
        value = src.slice(from, j);
      }
    }
    attrs.push([attrName, decodeEntities(value, true)]);
  }
}

/** Index of the end tag `</name` that closes raw text starting at `i` (or the input's end). */
function rawTextEnd(src: string, i: number, name: string): number {
  if (name === 'plaintext') return src.length;
  for (let j = src.indexOf('</', i); j !== -1; j = src.indexOf('</', j + 2)) {
    const after = src[j + 2 + name.length];
    if (asciiLower(src.slice(j + 2, j + 2 + name.length)) === name && (after === undefined || after === '>' || after === '/' || isSpace(after))) return j;
  }
  return src.length;
}

/** Index just past a comment's end: `-->`, `--!>`, or at once for `<!-->` and `<!--->`. */
function commentEnd(src: string, i: number): number {
  if (src.startsWith('>', i)) return i + 1;
  if (src.startsWith('->', i)) return i + 2;
  const ends = [src.indexOf('-->', i), src.indexOf('--!>', i)].filter((e) => e !== -1);
  if (ends.length === 0) return src.length;
  const e = Math.min(...ends);
  return e + (src.startsWith('-->', e) ? 3 : 4);
}

/** Index just past the next `>` (bogus comments: `<!doctype>`, `<![CDATA[…>`, `<?xml…>`, `</1>`). */
function bogusEnd(src: string, i: number): number {
  const e = src.indexOf('>', i);
  return e === -1 ? src.length : e + 1;
}

/** Start tags, end tags and (decoded) text; comments, doctypes and the like produce nothing. */
export function* tokenize(src: string): Generator<Token> {
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      yield { kind: 'text', text: decodeEntities(src.slice(i), false) };
      return;
    }
    if (lt > i) yield { kind: 'text', text: decodeEntities(src.slice(i, lt), false) };
    i = lt;
    const c1 = src[i + 1];
    if (isAlpha(c1)) {
      const tag = readTag(src, i + 1);
      if (tag === null) return;
      yield { kind: 'start', name: tag.name, attrs: tag.attrs, selfClosing: tag.selfClosing };
      i = RAW_TEXT.has(tag.name) ? rawTextEnd(src, tag.end, tag.name) : tag.end;
    } else if (c1 === '/' && isAlpha(src[i + 2])) {
      const tag = readTag(src, i + 2);
      if (tag === null) return;
      yield { kind: 'end', name: tag.name };
      i = tag.end;
    } else if (c1 === '/' && src[i + 2] === undefined) {
      yield { kind: 'text', text: '</' };
      return;
    } else if (c1 === '/' || c1 === '?' || (c1 === '!' && !src.startsWith('<!--', i))) {
      i = bogusEnd(src, i + 2);
    } else if (c1 === '!') {
      i = commentEnd(src, i + 4);
    } else {
      yield { kind: 'text', text: '<' };
      i += 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Attributes

const CLASS_TOKEN = /^[A-Za-z0-9_-]+$/;
const ROLE = /^[a-z]+(?: [a-z]+)*$/;
const DIGITS = /^[0-9]{1,5}$/;

/** A URL as the browser will see it: it strips leading and trailing C0 controls and spaces. */
function safeUrl(value: string): string | null {
  const url = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  return isSafeUrl(url) ? url : null;
}

/** The value to keep for `name` on `tag`, or null to drop the attribute. */
function attributeValue(tag: string, name: string, value: string): string | null {
  switch (name) {
    case 'class': {
      const kept = value.split(/[\t\n\f\r ]+/).filter((t) => CLASS_TOKEN.test(t));
      return kept.length > 0 ? kept.join(' ') : null;
    }
    case 'aria-label':
      return value;
    case 'aria-hidden':
      return value === 'true' || value === 'false' ? value : null;
    case 'role':
      return ROLE.test(value) ? value : null;
  }
  if (tag === 'a') {
    if (name === 'href') return safeUrl(value);
    if (name === 'title') return value;
    if (name === 'target') return asciiLower(value) === '_blank' ? '_blank' : null;
  }
  if (tag === 'img') {
    if (name === 'src') return safeUrl(value);
    if (name === 'alt') return value;
    if (name === 'width' || name === 'height') return DIGITS.test(value) ? value : null;
  }
  return null;
}

/** The serialized attributes of an allowed start tag, or null to drop the element (an <img> without a safe src). */
function serializeAttributes(tag: string, attrs: [string, string][]): string | null {
  const seen = new Set<string>();
  const kept = new Set<string>();
  let out = '';
  for (const [name, raw] of attrs) {
    if (seen.has(name)) continue; // the browser keeps the first of duplicates
    seen.add(name);
    const value = attributeValue(tag, name, raw);
    if (value === null) continue;
    kept.add(name);
    out += ` ${name}="${escapeAttr(value)}"`;
  }
  if (tag === 'img' && !kept.has('src')) return null;
  // A new tab must not get a handle on this page (reverse tabnabbing).
  if (kept.has('target')) out += ' rel="noopener noreferrer"';
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sanitizer

/**
 * Allowlist sanitizer. Disallowed elements lose their tags but keep their text, except those in
 * DROP_CONTENT which go with everything inside. Unclosed elements are closed, stray end tags
 * dropped. Idempotent: sanitizeHtml(sanitizeHtml(x)) === sanitizeHtml(x).
 */
export function sanitizeHtml(input: string): string {
  // The browser's input stream normalizes newlines; NUL is never useful and only confuses parsers.
  const src = input.replace(/\r\n?/g, '\n').replace(/\0/g, '');
  const out: string[] = [];
  let length = 0;
  let full = false;
  /** Allowed elements currently open, outermost first. */
  const open: string[] = [];
  /** The dropped element whose content we are skipping, with how many of its kind are open inside. */
  let dropping: { name: string; depth: number } | null = null;

  const emit = (s: string): boolean => {
    if (length + s.length > MAX_OUTPUT) full = true;
    if (full) return false;
    out.push(s);
    length += s.length;
    return true;
  };
  // End tags are never cut by MAX_OUTPUT: at most MAX_DEPTH of them, and they keep the output well formed.
  const closeTo = (index: number): void => {
    while (open.length > index) {
      const end = `</${open.pop()}>`;
      out.push(end);
      length += end.length;
    }
  };
  const emitText = (text: string): void => {
    if (emit(escapeText(text))) return;
    // Cut at a character (code point) boundary, so the output stays valid and re-sanitizes the same.
    let cut = '';
    for (const ch of text) {
      const e = escapeText(ch);
      if (length + e.length > MAX_OUTPUT) break;
      cut += e;
      length += e.length;
    }
    out.push(cut);
  };

  for (const token of tokenize(src)) {
    if (full) break;
    if (dropping !== null) {
      if (token.kind === 'start' && token.name === dropping.name && !token.selfClosing) dropping.depth++;
      if (token.kind === 'end' && token.name === dropping.name && --dropping.depth === 0) dropping = null;
      continue;
    }
    if (token.kind === 'text') {
      emitText(token.text);
      continue;
    }
    const { name } = token;
    if (token.kind === 'end' && name === 'br') {
      emit('<br>'); // browsers read a stray </br> as <br>
      continue;
    }
    if (token.kind === 'end') {
      const at = open.lastIndexOf(name);
      if (at !== -1) closeTo(at);
      continue;
    }
    if (DROP_CONTENT.has(name)) {
      // Raw text was already skipped by the tokenizer; void elements have no content. In <svg> and
      // <math>, `/>` really closes the element.
      const selfClosed = token.selfClosing && (name === 'svg' || name === 'math');
      if (!VOID.has(name) && !RAW_TEXT.has(name) && !selfClosed) dropping = { name, depth: 1 };
      continue;
    }
    if (!ALLOWED.has(name)) continue;

    // The few implied end tags browsers add, so nesting comes out as the browser would build it.
    const p = open.lastIndexOf('p');
    if (CLOSES_P.has(name) && p !== -1) closeTo(p);
    if (name === 'li') {
      const li = open.lastIndexOf('li');
      if (li !== -1 && li > Math.max(open.lastIndexOf('ul'), open.lastIndexOf('ol'))) closeTo(li);
    }
    if (name === 'a' && open.includes('a')) closeTo(open.lastIndexOf('a'));
    if (HEADINGS.has(name) && HEADINGS.has(open[open.length - 1] ?? '')) closeTo(open.length - 1);

    const isVoid = VOID.has(name);
    if (!isVoid && open.length >= MAX_DEPTH) continue;
    const attrs = serializeAttributes(name, token.attrs);
    if (attrs === null) continue;
    if (emit(`<${name}${attrs}>`) && !isVoid) open.push(name);
  }
  closeTo(0);
  return out.join('');
}
