/** Replaced at build time: true in dist/snippet/wm.debug.js, false (and dead code removed) in wm.js. */
declare const DEBUG: boolean;
