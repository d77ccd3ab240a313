/** Replaced at build time: true in dist/snippet/wm.debug.js, false (and dead code removed) in wm.js. */
declare const DEBUG: boolean;

/**
 * Trusted Types (not in TypeScript's DOM lib), only as far as the snippet uses them; undefined in
 * browsers without the API. A policy's results are TrustedHTML / TrustedScriptURL objects, typed
 * as string here because the DOM lib's sinks (innerHTML, src) only know strings.
 */
interface WaymarkTrustedTypes {
  createPolicy(
    name: string,
    rules: { createHTML?: (s: string) => string; createScriptURL?: (s: string) => string },
  ): { createHTML(s: string): string; createScriptURL(s: string): string };
}
// eslint-disable-next-line no-var -- a global the browser defines, not a binding of ours
declare var trustedTypes: WaymarkTrustedTypes | undefined;
