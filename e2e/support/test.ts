/**
 * The `test` every spec imports (e2e/support/spec-imports.test.ts checks they do): Playwright's
 * own, with its API request contexts (`request`, `page.request`, `context.request`) resending
 * wrangler dev's own 503 (./resending.ts says why).
 */
import { test as base } from '@playwright/test';
import { resending } from './resending';

export { expect } from '@playwright/test';
export { resending };

export const test = base.extend({
  request: async ({ request }, use) => {
    await use(resending(request));
  },
  context: async ({ context }, use) => {
    context.request = resending(context.request);
    await use(context);
  },
  page: async ({ page }, use) => {
    page.request = resending(page.request);
    await use(page);
  },
});
