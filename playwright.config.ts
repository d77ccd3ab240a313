// End-to-end tests: a real Chromium against `wrangler dev` serving the worker, the snippet and the
// demo shop (e2e/demo, copied to dist/public by the build). `npm test` builds first; this config
// never rebuilds. Run alone with `npm run build && npx playwright test`.
import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions, SERVER_ENV, serverCommand } from './e2e/support/browser';

/** WM_E2E_PORT lets two checkouts (or two people) run the suite side by side. */
const PORT = Number(process.env['WM_E2E_PORT'] ?? 8788);
const BASE_URL = `http://127.0.0.1:${PORT}`;
/** Wiped at the start of every run, so each run starts with empty profiles. */
const STATE_DIR = PORT === 8788 ? '.wrangler/e2e-state' : `.wrangler/e2e-state-${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts', // e2e/demo-pages/*.test.ts are unit tests (vitest)
  testIgnore: ['soak/**'], // npm run test:soak (playwright.soak.config.ts): minutes long
  outputDir: PORT === 8788 ? 'test-results' : `test-results-${PORT}`,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  workers: Number(process.env['WM_E2E_WORKERS'] ?? 2),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The demo site, seeded once the webServer is up (e2e/global-setup.ts).
  globalSetup: './e2e/global-setup.ts',
  reporter: process.env['WM_E2E_HTML'] ? [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]] : [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  projects: [
    { name: 'chromium', testIgnore: ['dashboard.spec.ts', 'soak/**'], use: { ...devices['Desktop Chrome'], baseURL: BASE_URL } },
    // The marketer's dashboard flow edits the demo site's config through forms that send the
    // version they loaded: it runs after the specs that also write the config (reports,
    // journeys), so no other write lands between its load and its save, and its new segments
    // and banner cannot appear in other specs' pages.
    { name: 'dashboard', testMatch: ['dashboard.spec.ts'], dependencies: ['chromium'], use: { ...devices['Desktop Chrome'], baseURL: BASE_URL } },
  ],
  webServer: {
    // Fresh state and a private copy of the built static files (see serverCommand).
    command: serverCommand(
      STATE_DIR,
      `./node_modules/.bin/wrangler dev --ip 127.0.0.1 --port ${PORT} --persist-to ${STATE_DIR}/data ` +
        `--assets ${STATE_DIR}/public --show-interactive-dev-session=false`,
    ),
    url: `${BASE_URL}/_wm/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    // WM_E2E_SERVER_LOG=1 shows wrangler's request log next to the test output.
    stdout: process.env['WM_E2E_SERVER_LOG'] ? 'pipe' : 'ignore',
    stderr: 'pipe',
    env: SERVER_ENV,
  },
});
