/**
 * Trusted Types: on a page that sends `require-trusted-types-for 'script'`, innerHTML takes only
 * TrustedHTML. Every HTML sink of wm-ui.js (a slot's content: a decision's HTML, sanitized by the
 * edge, or the slot's own default content read back from the page) goes through `trusted`, which
 * uses our policy "waymark-ui" (the site lists it, with wm.js's "waymark", in `trusted-types`).
 * The policy passes the HTML as it is (`String` returns its first argument): the sanitizing was
 * done at the edge, and the policy is created once, here, and never exposed to the page. Without
 * the API it is the string itself.
 */
type Policy = { createHTML(s: string): string; createScriptURL(s: string): string };
let policy: Policy | undefined;

/** The policy, made once; none (the string itself) where the API is missing or the page's CSP refuses the name. */
function make(): Policy {
  try {
    // createScriptURL: only the dashboard's editor chunk (preview.ts, never on a visitor's page).
    return window.trustedTypes!.createPolicy('waymark-ui', { createHTML: String, createScriptURL: String });
  } catch {
    // Not allowed by name: a plain string, which works unless Trusted Types are enforced (then the
    // sink throws, the caller's guard catches it, and the slot keeps its default).
    return { createHTML: String, createScriptURL: String };
  }
}

export const trusted = (html: string): string => (window.trustedTypes ? (policy = policy || make()).createHTML(html) : html);
/** The same one policy for a script URL (the visual editor's chunk, loaded in preview mode only). */
export const trustedScript = (url: string): string => (window.trustedTypes ? (policy = policy || make()).createScriptURL(url) : url);
