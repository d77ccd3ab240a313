/**
 * Safe targets: which page elements marketer content may fill. One rule, used three times:
 * on config write (selectorProblem, through selectorSchema), in proxy mode's HTMLRewriter
 * (TargetTracker, edge/src/personalize/rewrite.ts) and in wm-ui.js (NEVER_INSIDE, with
 * Element.closest, snippet/src/ui/slots.ts). The render-time checks never trust the write check: a
 * config in KV may have been written by hand, and `*` or `.promo` can match anything.
 *
 * An element is never filled when it is, or sits inside, an element whose content the browser runs
 * as code or reads as raw text, an embedded or inert document, foreign (SVG/MathML) content, or
 * <head>; nor when it is <html> or <body> itself. Zod-free and DOM-free: runs in workerd, Node and
 * (through the small NEVER_INSIDE string) in wm-ui.js.
 */

/**
 * Never filled, nor anything inside them. Raw text and RCDATA (script, style, textarea, title, xmp,
 * plaintext, iframe, noembed, noframes, noscript), inert or embedded documents (template, object,
 * embed, applet, frame, frameset), foreign content (svg and math, so also their script, style and
 * foreignObject) and <head>. A comma list, so wm-ui.js can pass it to Element.closest as it is.
 */
export const NEVER_INSIDE =
  'script,style,textarea,title,noscript,template,iframe,object,embed,xmp,plaintext,noembed,noframes,applet,frame,frameset,svg,math,head';

/** Elements that hold every target: never filled themselves, harmless as ancestors. */
export const FRAME_ELEMENTS = 'html,body';

const INSIDE = new Set(NEVER_INSIDE.split(','));
const FRAME = new Set(FRAME_ELEMENTS.split(','));
/** SVG and MathML elements whose content is code or an HTML island (also caught by svg/math above). */
const FOREIGN_ACTIVE = new Set(['foreignobject', 'annotation-xml']);

/** True when an element named `name` may never be a target, whatever its ancestors. */
export function unsafeElement(name: string): boolean {
  const n = name.toLowerCase();
  return INSIDE.has(n) || FRAME.has(n) || FOREIGN_ACTIVE.has(n);
}

/** True when an element inside one named `name` may never be a target. */
export function unsafeAncestor(name: string): boolean {
  return INSIDE.has(name.toLowerCase());
}

/** An element's place in the page: its name and its ancestors' names (outermost first). */
export function isSafeTarget(name: string, ancestors: readonly string[]): boolean {
  return !unsafeElement(name) && !ancestors.some(unsafeAncestor);
}

/** Elements the HTML parser keeps in <head>: any other start tag there ends <head> (as in browsers). */
const HEAD_CONTENT = new Set(['base', 'basefont', 'bgsound', 'link', 'meta', 'title', 'noscript', 'noframes', 'style', 'script', 'template', 'head']);
/** Elements without content or end tag: never open. */
const VOID = new Set([
  'area',
  'base',
  'basefont',
  'bgsound',
  'br',
  'col',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/**
 * Streaming form of the rule for a parser that reports start and end tags but keeps no tree (proxy
 * mode's HTMLRewriter): counts how deep the stream is inside unsafe containers. It errs towards
 * "unsafe": a container whose end tag never comes keeps everything after it unfilled.
 */
export class TargetTracker {
  /** Open unsafe containers, innermost last. */
  private readonly open: string[] = [];

  /**
   * A start tag. Returns whether this element may be filled, and whether the caller must report
   * its end tag (`end`) to keep the count right.
   */
  start(tagName: string, selfClosing = false): { safe: boolean; track: boolean } {
    const name = tagName.toLowerCase();
    // As browsers: in <head> (not inside its <template>), a start tag that does not belong there ends <head>.
    if (this.open[this.open.length - 1] === 'head' && !HEAD_CONTENT.has(name)) this.open.pop();
    if (name === 'body' && this.open[0] === 'head') this.open.shift();
    const safe = this.open.length === 0 && !unsafeElement(name);
    // `<svg/>` and `<math/>` are complete (self-closing counts in foreign content); void elements never open.
    const track = unsafeAncestor(name) && !VOID.has(name) && !(selfClosing && (name === 'svg' || name === 'math' || this.inForeign()));
    if (track) this.open.push(name);
    return { safe, track };
  }

  /** The end tag of a container `start` said to track. */
  end(tagName: string): void {
    const at = this.open.lastIndexOf(tagName.toLowerCase());
    if (at !== -1) this.open.splice(at, 1);
  }

  private inForeign(): boolean {
    return this.open.includes('svg') || this.open.includes('math');
  }
}

// ---------------------------------------------------------------------------------------------
// The write-time check of a selector

/**
 * The compound selectors of `selector`, outermost first, e.g. `main > .hero h1` → main, .hero, h1.
 * Brackets and quotes are kept whole (an attribute value may hold spaces or `>`).
 */
function compounds(selector: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote = '';
  let bracket = 0;
  for (const c of selector) {
    if (quote) {
      current += c;
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === '[') {
      bracket++;
      current += c;
    } else if (c === ']') {
      bracket = Math.max(0, bracket - 1);
      current += c;
    } else if (bracket === 0 && (c === ' ' || c === '>' || c === '+' || c === '~' || c === '\t' || c === '\n')) {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

/** The element name a compound selector requires (`div.x` → div), or undefined (`*`, `.x`, `[a]`). */
function typeOf(compound: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(compound);
  return match?.[1]?.toLowerCase();
}

/**
 * Why `selector` can never be a safe target, or null. Refused: a subject (the rightmost compound)
 * that names an unsafe element or `:root`, and a selector that can only match inside an unsafe
 * container (any compound naming one, e.g. `head *`, `svg text`, `template div`). A selector that
 * passes (e.g. `*`, `.promo`, `[data-x]`) may still match an unsafe element on some page: render
 * skips those elements (TargetTracker, wm-ui.js).
 */
export function selectorProblem(selector: string): string | null {
  const parts = compounds(selector.trim());
  const subject = parts[parts.length - 1];
  if (subject === undefined) return 'must not be empty';
  const name = typeOf(subject);
  if (/:root\b/i.test(subject) || (name !== undefined && FRAME.has(name)))
    return `targets <${name ?? 'html'}> itself: point it at an element inside <body>, e.g. #promo`;
  if (name !== undefined && unsafeElement(name))
    return `targets <${name}>, whose content the browser runs as code, reads as raw text or never shows: point it at an ordinary element such as a div`;
  for (const part of parts.slice(0, -1)) {
    const outer = typeOf(part);
    if (outer !== undefined && unsafeAncestor(outer))
      return outer === 'head'
        ? 'can only match inside <head>, which is never filled: point it at an element inside <body>'
        : `can only match inside <${outer}>, whose content is never filled: point it at an ordinary element`;
  }
  return null;
}
