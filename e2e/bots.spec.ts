/**
 * Bot filtering (issue #15 point 5) in a real Chromium: a page opened with a crawler's User-Agent
 * gets no cookie and no profile, its snippet's batch is acknowledged and not stored, the demo shop's
 * hero keeps its default content, and the Overview shows the filtered requests; a person's browser
 * (the suite's normal User-Agent, e2e/support/user-agent.mjs) still gets its cookie and profile.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { OverviewReport } from '../protocol/analytics';
import type { CollectResponse } from '../protocol/wire';
import { BOT_USER_AGENTS } from '../edge/src/bots/user-agents';
import { ORIGIN, readProfile, waitForProfile } from './support/waymark';

const today = () => new Date().toISOString().slice(0, 10);
const botsToday = (o: OverviewReport) => o.botsFiltered.find((d) => d.day === today())?.requests ?? 0;

async function overview(page: Page): Promise<OverviewReport> {
  return (await (await page.request.get('/_wm/admin/api/sites/demo/analytics/overview?minutes=5')).json()) as OverviewReport;
}

test('a crawler gets no cookie or profile and is counted on the Overview; a person’s browser still works', async ({ browser, page, context }) => {
  test.setTimeout(90_000);
  await page.request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
  const before = botsToday(await overview(page));

  for (const name of ['Googlebot', 'GPTBot'] as const) {
    const crawler = await browser.newContext({ userAgent: BOT_USER_AGENTS[name] });
    const bot = await crawler.newPage();
    const answered = bot.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/e' && r.request().method() === 'POST');
    const res = await bot.goto('/');
    expect(res?.status(), name).toBe(200);
    expect(res?.headers()['set-cookie'], name).toBeUndefined();
    // The shop's own page: its default hero, nothing filled in by the proxy.
    await expect(bot.locator('[data-wm-slot="hero"]'), name).not.toHaveAttribute('data-wm-filled', /.*/);
    // Its snippet's page view is acknowledged (no retry), stored nowhere.
    const batch = await answered;
    expect(batch.status(), name).toBe(200);
    const body = (await batch.json()) as CollectResponse;
    expect(body, name).toMatchObject({ accepted: [], notStored: 'bot' });
    expect(body.vid, name).toBeUndefined();
    expect(
      (await crawler.cookies()).map((c) => c.name),
      name,
    ).not.toContain('wm_vid');
    expect((await readProfile(crawler.request)).status, name).toBe(401);
    await crawler.close();
  }

  // A person: the cookie and a profile with the page view.
  await page.goto('/');
  await waitForProfile(page.request, (p) => p.events.some((e) => e.type === 'page'), 'the person’s page view');
  expect((await context.cookies()).map((c) => c.name)).toContain('wm_vid');

  // At least the two crawled pages and their batches reach the day's count (the queue takes about a second).
  await expect.poll(async () => botsToday(await overview(page)), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 4);
  const counted = botsToday(await overview(page));
  await page.goto('/_wm/dashboard#/s/demo');
  await expect(page.getByTestId('bots-filtered')).toBeVisible();
  await expect(page.getByTestId('bots-today')).toHaveText(new Intl.NumberFormat('en-US').format(counted));
});
