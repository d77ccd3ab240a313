/**
 * Dashboard saves go to the site's draft (docs/drafts-and-versions.md): a spec that saves in the
 * dashboard and then expects the change live publishes the draft first, with this.
 */
import { expect, type Page } from '@playwright/test';

/** The draft bar (on every site tab while the site has a draft). */
export const draftBar = (page: Page) => page.getByRole('region', { name: 'Draft' });

/** Clicks Publish in the draft bar and waits for the new live version; returns its number. */
export async function publishDraft(page: Page): Promise<number> {
  const bar = draftBar(page);
  await bar.getByRole('button', { name: 'Publish', exact: true }).click();
  const status = bar.getByRole('status');
  await expect(status).toContainText(/Published: version \d+ is live/);
  return Number(/version (\d+)/.exec((await status.textContent()) ?? '')?.[1]);
}
