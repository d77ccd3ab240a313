// The Chromium part of `npm run test:soak` (e2e/soak/*.spec.ts): minutes long, so not in `npm test`.
// Same browser setup as playwright.config.ts (e2e/support/browser.ts); the server is
// e2e/soak/worker.mjs (the worker in workerd, no file watching: an edit elsewhere in the tree must
// not restart it mid-soak) on WM_SOAK_PORT (default 8789) with fresh state. Run through `npm run test:soak`, or alone with
// `npm run build && npx playwright test -c playwright.soak.config.ts`.
import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions, SERVER_ENV, serverCommand } from './e2e/support/browser';

const PORT = Number(process.env['WM_SOAK_PORT'] ?? 8789);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const STATE_DIR = `.wrangler/soak-browser-state-${PORT}`;

export default defineConfig({
  testDir: 'e2e/soak',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/soak',
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  workers: 1,
  timeout: 15 * 60_000,
  expect: { timeout: 10_000 },
  // The demo site, seeded once the webServer is up (e2e/global-setup.ts).
  globalSetup: './e2e/global-setup.ts',
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], baseURL: BASE_URL } }],
  webServer: {
    command: serverCommand(STATE_DIR, `node e2e/soak/worker.mjs --port=${PORT} --state=${STATE_DIR}`),
    url: `${BASE_URL}/_wm/health`,
    reuseExistingServer: false,
    timeout: 90_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: SERVER_ENV,
  },
});
