/**
 * How an experiment's results read for a marketer (issue #12 point 6), at realistic traffic: the
 * message report's answer is replaced by one the real report code (edge/src/analytics/merge.ts:
 * always-valid lift, split check, days to a verdict) computes from 30 days of counts that a
 * browser test cannot produce (tens of thousands of exposures). reports.spec.ts checks the same
 * report against real visitors end to end. Three messages:
 *   winner   20,000 a side, 4.8% vs 4.0%: a winner, and Newcombe's one-look interval beside it
 *   early    2,000 a side, 4.6% vs 4.0%: no verdict yet, "about N more days"
 *   broken   6,000 / 3,000 on a 50/50 split: the split warning, loud
 * Screenshot: e2e/artifacts/experiment-report.png. No CSP violations.
 */
import { expect, test } from './support/test';
import { messagesReport, type ExposureRow, type MessageAllocation } from '../edge/src/analytics/merge';

const DAY = 86_400_000;
const HALF: MessageAllocation = { variants: [{ id: 'offer', weight: 100 }], holdout: 50, bandit: false };

function report(to: number) {
  const row = (message: string, variant: string, exposed: number, converted: number, days: number): ExposureRow => ({
    message,
    variant,
    exposed,
    converted,
    firstAt: to - days * DAY,
  });
  return messagesReport(
    { from: to - 30 * DAY, to },
    [
      [
        row('winner', 'offer', 20_000, 960, 20),
        row('winner', 'holdout', 20_000, 800, 20),
        row('early', 'offer', 2_000, 92, 2),
        row('early', 'holdout', 2_000, 80, 2),
        row('broken', 'offer', 6_000, 300, 6),
        row('broken', 'holdout', 3_000, 120, 6),
      ],
    ],
    new Map(['winner', 'early', 'broken'].map((id) => [id, HALF])),
  );
}

test('the message report states verdicts, the split check and the days to a verdict in words', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.route('**/_wm/admin/api/sites/demo/analytics/messages', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(report(Date.now())) }),
  );

  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await page.goto('/_wm/dashboard/#/s/demo/reports/messages');
  await expect(page.getByRole('heading', { name: 'Reports: Messages' })).toBeVisible();

  const winner = page.getByRole('region', { name: 'winner', exact: true });
  await expect(winner.getByTestId('verdict-offer')).toHaveText(
    /^offer converts better than the holdout\. \+0\.8 pp \(\+20\.0% relative\); the lift is between \+0\.\d pp and \+1\.\d pp\./,
  );
  await expect(winner.getByTestId('srm-line')).toContainText('Traffic split as configured');
  await expect(winner.locator('.messages-table tbody tr').first()).toContainText('one look:');
  await expect(winner.locator('.messages-table tbody tr').first()).toContainText('Better');

  const early = page.getByRole('region', { name: 'early', exact: true });
  await expect(early.getByTestId('verdict-offer')).toHaveText(
    /^No verdict yet for offer\. .*About \d+ more days to a verdict at current traffic, if the lift stays near \+0\.6 pp\.$/,
  );
  await expect(early.locator('.messages-table tbody tr').first()).toContainText(/No verdict yet\s*about \d+ more days/);

  const broken = page.getByRole('region', { name: 'broken', exact: true });
  await expect(broken.getByRole('alert')).toHaveText(
    /^Broken traffic split: do not trust these results\. Visitors should be split offer 50\.0% · holdout 50\.0%, but were split offer 66\.7% · holdout 33\.3% \(p < 0\.0001\)\./,
  );

  // A broken split voids the verdicts: no verdict lines, and the table says why.
  await expect(broken.getByTestId('verdicts')).toHaveCount(0);
  await expect(broken.locator('.messages-table tbody tr').first()).toContainText('split broken: no verdict');

  const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
  expect(width.page).toBeLessThanOrEqual(width.window);
  await page.screenshot({ path: 'e2e/artifacts/experiment-report.png', fullPage: true });
  expect(problems).toEqual([]);
});
