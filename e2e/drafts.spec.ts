/**
 * Drafts, versions, revert, schedule and approval (issue #12 point 3 and point 4's approval), as a
 * marketer in the dashboard against the real admin API and edge, on a fresh site (no other spec
 * sees its draft): an edit goes to the draft and is not live; publishing makes it live for a
 * visitor (GET /_wm/decide); the Versions screen shows the readable diff and reverts in one step
 * (a new version; the old content is live again); a schedule is set and cancelled; with "Require
 * approval", a write-scope API token edits and submits the draft and the admin approves it in the
 * dashboard. Screenshots go to e2e/artifacts/drafts-*.png; no CSP violation.
 */
import { type APIRequestContext, type Page } from '@playwright/test';
import { expect, test, resending } from './support/test';
import { draftBar, publishDraft } from './support/drafts';
import { AS_BROWSER } from './support/user-agent.mjs';
import { newId, ORIGIN } from './support/waymark';

const RUN = Date.now().toString(36);
const SLOW = { timeout: 45_000, intervals: [500, 1_000, 2_000] };
const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/drafts-${name}.png`, fullPage: true });

function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

async function signIn(page: Page) {
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
}

/** A site with an Everyone segment and a hero slot whose text is `text`, made through the admin API. */
async function createSite(request: APIRequestContext, site: string): Promise<string> {
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const headers = { 'X-WM-CSRF': csrf };
  expect(
    (
      await request.put(`/_wm/admin/api/sites/${site}`, { headers, data: { name: `Drafts ${RUN}`, version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' } })
    ).status(),
  ).toBe(200);
  expect(
    (
      await request.put(`/_wm/admin/api/sites/${site}/segments/everyone`, {
        headers,
        data: { name: 'Everyone', condition: { everyone: true }, baseVersion: 1 },
      })
    ).status(),
  ).toBe(200);
  const hero = { name: 'Hero', variants: [{ segment: 'everyone', priority: 1, content: { type: 'text', text: 'Original hero' } }], baseVersion: 2 };
  expect((await request.put(`/_wm/admin/api/sites/${site}/slots/hero`, { headers, data: hero })).status()).toBe(200);
  return csrf;
}

/** What a visitor of `site` gets in the hero on the home page (the edge's own decision). */
async function visitorHero(visitor: APIRequestContext, site: string): Promise<string> {
  const event = { id: newId(), ts: Date.now(), sid: 'session-drafts-1', url: `${ORIGIN}/`, ref: '', title: 'Home', type: 'page' };
  await visitor.post('/_wm/e', { headers: { 'content-type': 'text/plain', origin: ORIGIN, ...AS_BROWSER }, data: JSON.stringify({ site, events: [event] }) });
  const res = await visitor.get(`/_wm/decide?site=${site}&url=${encodeURIComponent(`${ORIGIN}/`)}`, { headers: { origin: ORIGIN, ...AS_BROWSER } });
  const body = (await res.json()) as { decisions?: { kind: string; id: string; html: string }[] };
  return body.decisions?.find((d) => d.kind === 'slot' && d.id === 'hero')?.html ?? '';
}

async function editHeroText(page: Page, site: string, text: string) {
  await page.goto(`/_wm/dashboard/#/s/${site}/slots/hero`);
  const variant = page.getByRole('region', { name: 'Variant 1' });
  await variant.getByLabel('Text', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved to the draft' })).toBeVisible();
}

test('edit → draft → publish → live; versions show the diff; revert brings the old content back', async ({ page, request, playwright }) => {
  test.setTimeout(180_000);
  const csp = watchCsp(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  const site = `drafts-${RUN}`;
  await createSite(request, site);
  const visitor = resending(await playwright.request.newContext({ baseURL: ORIGIN }));
  await expect.poll(() => visitorHero(visitor, site), SLOW).toContain('Original hero');

  await signIn(page);
  await editHeroText(page, site, 'Drafted hero');
  // In the draft only: the bar says so, the editor marks it, the visitor still sees the original.
  const bar = draftBar(page);
  await expect(bar).toContainText('1 change not live yet');
  await bar.getByRole('button', { name: 'Show changes' }).click();
  const change = bar.getByRole('region', { name: 'Changed slot “Hero”' });
  await expect(change.getByRole('row', { name: /Variants › 1 › Content › Text/ })).toContainText('"Original hero"');
  await expect(change.getByRole('row', { name: /Variants › 1 › Content › Text/ })).toContainText('"Drafted hero"');
  await shot(page, 'draft-bar');
  expect(await visitorHero(visitor, site)).toContain('Original hero');
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Changed in the draft' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Slots', exact: true }).click();
  await expect(page.getByRole('row', { name: /Hero/ })).toContainText('changed in draft');

  const published = await publishDraft(page);
  expect(published).toBe(4);
  await expect.poll(() => visitorHero(visitor, site), SLOW).toContain('Drafted hero');

  // Versions: the list, the diff of version 4, and a one-step revert to version 3.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Versions', exact: true }).click();
  const rows = page.locator('table.versions tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('published the draft: changed slot "hero"');
  await shot(page, 'versions');
  await page.getByRole('link', { name: 'Version 4', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'What changed since version 3' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Changed slot “Hero”' })).toContainText('"Drafted hero"');
  await expect(page.getByText('This is the live version.')).toBeVisible();
  await page.goto(`/_wm/dashboard/#/s/${site}/versions/3`);
  await page.getByRole('button', { name: 'Revert to version 3…' }).click();
  await shot(page, 'revert-confirm');
  await page.getByRole('button', { name: 'Yes, revert' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Reverted' })).toContainText('version 5 is live, equal to version 3');
  await expect.poll(() => visitorHero(visitor, site), SLOW).toContain('Original hero');

  // The audit log links each change to its version's diff.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log', exact: true }).click();
  await page.locator('table.audit').getByRole('link', { name: '3 → 4' }).first().click();
  await expect(page.getByRole('heading', { name: 'Version 4' })).toBeVisible();
  await visitor.dispose();
  expect(csp, 'CSP violations on the dashboard').toEqual([]);
});

test('a draft is scheduled to publish and the schedule is cancelled', async ({ page, request }) => {
  const site = `drafts-sched-${RUN}`;
  await createSite(request, site);
  await signIn(page);
  await editHeroText(page, site, 'Scheduled hero');
  const bar = draftBar(page);
  const at = new Date(Date.now() + 2 * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  await bar.getByLabel('Publish at').fill(`${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T09:30`);
  await bar.getByRole('button', { name: 'Schedule', exact: true }).click();
  await expect(bar.getByTestId('draft-schedule')).toContainText('publishes at');
  const draft = async () => (await (await request.get(`/_wm/admin/api/sites/${site}/draft`)).json()) as { schedule: { at: string } | null };
  const scheduled = (await draft()).schedule;
  expect(new Date(scheduled!.at).getDate()).toBe(at.getDate());
  await shot(page, 'scheduled');
  await bar.getByRole('button', { name: 'Cancel schedule' }).click();
  await expect(bar.getByRole('status')).toContainText('Schedule cancelled.');
  await expect(bar.getByTestId('draft-schedule')).toHaveCount(0);
  expect((await draft()).schedule).toBeNull();
});

test('with approval required, a write-scope token submits the draft and the admin approves it', async ({ page, request, playwright }) => {
  const site = `drafts-approve-${RUN}`;
  const csrf = await createSite(request, site);
  const headers = { 'X-WM-CSRF': csrf };
  await signIn(page);
  // Settings → Require approval.
  await page.goto(`/_wm/dashboard/#/s/${site}/settings`);
  await page.getByLabel('Require approval to publish').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  const made = await request.post('/_wm/admin/api/tokens', { headers, data: { name: `editor ${RUN}`, scope: 'write', sites: [site] } });
  expect(made.status()).toBe(201);
  const editor = resending(
    await playwright.request.newContext({
      baseURL: ORIGIN,
      extraHTTPHeaders: { authorization: `Bearer ${((await made.json()) as { secret: string }).secret}` },
    }),
  );
  const hero = { name: 'Hero', variants: [{ segment: 'everyone', priority: 1, content: { type: 'text', text: 'Editor hero' } }] };
  // Directly: refused with the reason; in the draft: fine; publishing it: refused; submitting: fine.
  const direct = await editor.put(`/_wm/admin/api/sites/${site}/slots/hero`, { data: { ...hero, baseVersion: 4 } });
  expect(direct.status()).toBe(403);
  expect(((await direct.json()) as { error: string }).error).toContain('requires approval');
  expect((await editor.put(`/_wm/admin/api/sites/${site}/draft/slots/hero`, { data: hero })).status()).toBe(200);
  expect((await editor.post(`/_wm/admin/api/sites/${site}/draft/publish`)).status()).toBe(403);
  expect((await editor.post(`/_wm/admin/api/sites/${site}/draft/submit`)).status()).toBe(200);

  // The admin opens the site afresh (the draft changed through the API meanwhile).
  await page.goto(`/_wm/dashboard/#/s/${site}/overview`);
  await page.reload();
  const bar = draftBar(page);
  await expect(bar).toContainText('waiting for approval');
  await bar.getByRole('button', { name: 'Show changes' }).click();
  await expect(bar.getByRole('region', { name: 'Changed slot “Hero”' })).toContainText('"Editor hero"');
  await shot(page, 'approval');
  await bar.getByRole('button', { name: 'Approve' }).click();
  await expect(bar.getByRole('status')).toContainText(/Approved and published: version \d+ is live/);
  const live = (await (await request.get(`/_wm/admin/api/sites/${site}`)).json()) as { site: { slots: { variants: { content: { text: string } }[] }[] } };
  expect(live.site.slots[0]!.variants[0]!.content.text).toBe('Editor hero');
  await editor.dispose();
});
