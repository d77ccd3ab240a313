// The one User-Agent our test and bench clients send when they stand in for a person's browser.
// The edge filters bots (edge/src/bots/bots.ts, docs/bots.md): Node's fetch says `node`, and
// headless Chromium says `HeadlessChrome`, both rightly taken for bots. The Playwright configs use
// `devices['Desktop Chrome']`, whose User-Agent is a normal Chrome one too; Node-side clients
// (bench/*.mjs, e2e/soak/*.mjs) and bench/mainthread.mjs's own browser contexts send this one.
export const BROWSER_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The header to spread into a fetch's headers. */
export const AS_BROWSER = Object.freeze({ 'user-agent': BROWSER_USER_AGENT });
