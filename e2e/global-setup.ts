// Playwright global setup (playwright.config.ts and playwright.soak.config.ts): Playwright starts
// the webServer first, then this seeds the demo site into it, as `npm start` does
// (scripts/seed-demo.mjs → POST /_wm/demo/seed → AdminStore).
import type { FullConfig } from '@playwright/test';
import { seedDemo } from '../scripts/seed-demo.mjs';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const base = config.projects[0]?.use.baseURL;
  if (!base) throw new Error('global setup: no baseURL in the Playwright config');
  await seedDemo(base);
}
