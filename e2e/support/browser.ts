// What both Playwright configs share (playwright.config.ts, playwright.soak.config.ts): the
// Chromium they drive and how their web server starts from fresh state and a private copy of the build.
import { existsSync } from 'node:fs';
import type { PlaywrightWorkerOptions } from '@playwright/test';

/**
 * The Chromium to drive: WM_CHROMIUM if set, else Debian's /usr/bin/chromium when present (the
 * browser download does not work on this project's machines), else Playwright's own browser.
 */
function chromiumPath(): string | undefined {
  const fromEnv = process.env['WM_CHROMIUM'];
  if (fromEnv) return fromEnv;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

const executablePath = chromiumPath();

/** Chromium's launch options: headless in a container, no background traffic of its own. */
export const chromiumLaunchOptions: PlaywrightWorkerOptions['launchOptions'] = {
  ...(executablePath ? { executablePath } : {}),
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

/**
 * The web server's shell command: fail fast without a build, wipe `stateDir`, copy dist/public
 * into it, then exec `server`. The private copy matters: a server that watches its assets reloads
 * when they change, and a reload drops requests in flight, so a `npm run build` run elsewhere
 * during the tests must not touch the directory the server serves.
 */
export function serverCommand(stateDir: string, server: string): string {
  return [
    `test -d dist/public/_wm || { echo 'dist/public is missing: run npm run build first' >&2; exit 1; }`,
    `rm -rf ${stateDir}`,
    `mkdir -p ${stateDir}`,
    `cp -R dist/public ${stateDir}/public`,
    `exec ${server}`,
  ].join(' && ');
}

/** Wrangler's environment for the web server: no metrics, no network look-ups, no banner. */
export const SERVER_ENV = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' };
