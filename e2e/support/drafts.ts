/**
 * Dashboard saves go to the site's draft (docs/drafts-and-versions.md): a spec that saves in the
 * dashboard and then expects the change live publishes the draft first, with this.
 */
import { expect, type Page } from '@playwright/test';

/** The draft bar (on every site tab while the site has a draft). */
export const draftBar = (page: Page) => page.getByRole('region', { name: 'Draft' });

/**
 * Clicks Publish in the draft bar and waits for the new live version; returns its number. Specs in
 * the other worker edit the demo site too: when one of them published the draft (ours with it)
 * first, the bar says there is none left, and the live version is read from the API.
 */
export async function publishDraft(page: Page): Promise<number> {
  const bar = draftBar(page);
  await bar.getByRole('button', { name: 'Publish', exact: true }).click();
  const published = bar.getByRole('status').filter({ hasText: /Published: version \d+ is live/ });
  const publishedElsewhere = bar.getByRole('alert').filter({ hasText: 'has no draft to publish: it is live already' });
  await expect(published.or(publishedElsewhere)).toBeVisible();
  if (await published.isVisible()) return Number(/version (\d+)/.exec((await published.textContent()) ?? '')?.[1]);
  const site = decodeURIComponent(/#\/s\/([^/]+)/.exec(page.url())?.[1] ?? '');
  const live = await page.request.get(`/_wm/admin/api/sites/${encodeURIComponent(site)}`);
  expect(live.ok(), `GET the live site ${site}`).toBe(true);
  return ((await live.json()) as { version: number }).version;
}
