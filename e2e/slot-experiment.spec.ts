/**
 * Slot experiments (issue #12 point 6; docs/experiment-stats.md "Slot experiments"), as a marketer
 * in the dashboard against the real admin API, edge and analytics store, on a fresh site (no
 * other spec sees it): the marketer turns on the hero slot's experiment (50% holdout, goal
 * "slotx_goal" within 24 h) in the slot editor, publishes the draft, 12 fresh visitors arrive
 * (each its own cookie jar: the edge's own decision says who saw the variant and who was held out
 * on the default), some of those shown the variant convert, and the Reports tab shows the slot
 * experiment beside the messages: the always-valid interval, the split check and the verdict in
 * words. Screenshots: e2e/artifacts/slot-experiment.png (the report) and slot-experiment-editor.png
 * (the slot editor's Experiment section). No CSP violation.
 */
import { type APIRequestContext, type Page } from '@playwright/test';
import { expect, test, resending } from './support/test';
import { publishDraft } from './support/drafts';
import { AS_BROWSER } from './support/user-agent.mjs';
import { newId, ORIGIN } from './support/waymark';

const RUN = Date.now().toString(36);
const SITE = `slotx-${RUN}`;
const GOAL = 'slotx_goal';
const VISITORS = 12;

function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(e.message));
  return violations;
}

/** The site: an Everyone segment and a hero slot with one variant, through the admin API (set-up, not the marketer's steps). */
async function createSite(request: APIRequestContext): Promise<void> {
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  const headers = { 'X-WM-CSRF': ((await login.json()) as { csrfToken: string }).csrfToken };
  const put = async (path: string, data: unknown) => expect((await request.put(`/_wm/admin/api/sites/${SITE}${path}`, { headers, data })).status()).toBe(200);
  await put('', { name: `Slot experiment ${RUN}`, version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
  await put('/segments/everyone', { name: 'Everyone', condition: { everyone: true }, baseVersion: 1 });
  await put('/slots/hero', {
    name: 'Hero',
    variants: [{ segment: 'everyone', priority: 1, content: { type: 'text', text: 'Personalized hero' } }],
    baseVersion: 2,
  });
}

/** One fresh visitor's page view (the edge decides the hero) and, when `convert`, the goal; whether the hero was filled. */
async function visit(visitor: APIRequestContext, convert: (shown: boolean) => boolean): Promise<boolean> {
  const send = async (event: Record<string, unknown>) => {
    const res = await visitor.post('/_wm/e', {
      headers: { 'content-type': 'text/plain', origin: ORIGIN, ...AS_BROWSER },
      data: JSON.stringify({ site: SITE, events: [{ id: newId(), ts: Date.now(), sid: 'session-slotx-1', url: `${ORIGIN}/`, ...event }] }),
    });
    expect(res.status()).toBe(200);
    return (await res.json()) as { decisions: { kind: string; id: string }[] };
  };
  const { decisions } = await send({ type: 'page', ref: '', title: 'Home' });
  const shown = decisions.some((d) => d.kind === 'slot' && d.id === 'hero');
  if (convert(shown)) await send({ type: 'track', name: GOAL });
  return shown;
}

test('a marketer runs a holdout experiment on a slot and reads its always-valid result in Reports', async ({ page, request, playwright }) => {
  test.setTimeout(60_000);
  const csp = watchCsp(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await createSite(request);

  // The marketer: the slot editor's Experiment section, saved to the draft, then published.
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await page.goto(`/_wm/dashboard/#/s/${SITE}/slots/hero`);
  const experiment = page.getByRole('region', { name: 'Experiment' });
  await experiment.getByLabel(/Measure this slot/).check();
  await experiment.getByLabel('Holdout %').fill('50');
  await experiment.getByLabel('Conversion goal event').fill(GOAL);
  await experiment.getByLabel('Goal within (hours)').fill('24');
  await experiment.screenshot({ path: 'e2e/artifacts/slot-experiment-editor.png' });
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved to the draft' })).toBeVisible();
  await publishDraft(page);

  // Visitors: every other one of those shown the variant converts; nobody held out does.
  let shownCount = 0;
  const outcomes: { shown: boolean; converted: boolean }[] = [];
  for (let i = 0; i < VISITORS; i++) {
    const visitor = resending(await playwright.request.newContext({ baseURL: ORIGIN }));
    let converted = false;
    const shown = await visit(visitor, (s) => (converted = s && shownCount++ % 2 === 0));
    outcomes.push({ shown, converted });
    await visitor.dispose();
  }
  const shown = outcomes.filter((o) => o.shown);
  // 12 visitors at 50%: both groups are there (all 12 on one side has a chance of 1 in 2,048).
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.length).toBeLessThan(VISITORS);

  // Reports → Messages: the slot experiment, once the analytics store has every exposure.
  await page.goto(`/_wm/dashboard/#/s/${SITE}/reports/messages`);
  await expect(page.getByRole('heading', { name: 'Slot experiments' })).toBeVisible({ timeout: 20_000 });
  const card = page.getByRole('region', { name: 'Hero: Everyone', exact: true });
  const cells = async (row: number) => (await card.locator('.messages-table tbody tr').nth(row).locator('th, td').allInnerTexts()).map((t) => t.trim());
  await expect(async () => {
    await card.getByRole('button', { name: 'Refresh' }).click();
    await expect(card.locator('.messages-table tbody tr')).toHaveCount(2);
    const personalized = await cells(0);
    const holdout = await cells(1);
    expect([personalized[0], personalized[1], personalized[2]]).toEqual([
      'personalized',
      String(shown.length),
      String(outcomes.filter((o) => o.converted).length),
    ]);
    expect([holdout[0], holdout[1], holdout[2]]).toEqual(['holdout', String(VISITORS - shown.length), '0']);
  }).toPass({ timeout: 20_000, intervals: [500, 1_000] });
  await expect(card).toContainText(`goal “${GOAL}” within 24 h`);
  // The always-valid interval (with the one-look interval beside it), the verdict in words, the split check.
  await expect(card.locator('.messages-table tbody tr').first()).toContainText('one look:');
  await expect(card.locator('.messages-table tbody tr').nth(1)).toContainText('kept the default');
  await expect(card.getByTestId('verdict-personalized')).toHaveText(
    /^(No verdict yet for personalized\.|personalized converts (better|worse) than the holdout\.).*(to a verdict at current traffic|No verdict likely within|Not enough traffic|Verdict reached)/,
  );
  // 6 expected a side is enough to check; short of 12 to 0, no 12-visitor split is off at p < 0.001.
  await expect(card.getByTestId('srm-line')).toContainText(/^Traffic split as configured: personalized \d+\.\d% · holdout \d+\.\d%/);
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/artifacts/slot-experiment.png', fullPage: true });
  expect(csp).toEqual([]);
});
