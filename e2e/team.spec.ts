/**
 * The team (issue #12 point 4, docs/team.md) as people use it: the demo's built-in admin invites an
 * editor from the Team screen and copies the one-time link; the editor opens it in a fresh browser
 * context, picks a password and is signed in; they create a segment, but the site settings are
 * read-only for them; the link does not work twice; the admin publishes their draft and the audit
 * log names them (`user:<name>`, as the author of their change); and
 * the viewer role sees no way to save. No CSP violations. Screenshots go to e2e/artifacts/team-*.png.
 */
import { type Page } from '@playwright/test';
import { publishDraft } from './support/drafts';
import { expect, test } from './support/test';

const API = '/_wm/admin/api';

function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

test('an admin invites an editor by link; the editor edits but cannot change settings; the audit log names them', async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  const csp = watchCsp(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await expect(page.getByTestId('signed-in')).toHaveText(/Signed in as admin\s*admin/);

  // A site of this spec's own, so its writes never race the dashboard spec's on the demo site.
  const site = `team-e2e-${Date.now().toString(36)}`;
  const { csrfToken } = (await (await page.request.get(`${API}/session`)).json()) as { csrfToken: string };
  const created = await page.request.put(`${API}/sites/${site}`, {
    headers: { 'x-wm-csrf': csrfToken, origin: baseURL ?? '' },
    data: { name: 'Team shop', version: 0, origins: [baseURL], consentPolicy: 'opt-out' },
  });
  expect(created.status()).toBe(200);

  // Team → invite an editor; the link is shown once, with a copy box.
  await page.getByRole('link', { name: 'Team', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Team' })).toBeVisible();
  const name = `editor-${Date.now().toString(36)}`;
  const invite = page.getByRole('form', { name: 'Invite someone' });
  await invite.getByLabel('Name or email').fill(name);
  await invite.getByLabel('Role').selectOption('editor');
  // Only this spec's site: the editor never sees the demo.
  const inviteSites = invite.getByRole('group', { name: 'Sites for the invitation' });
  await inviteSites.getByLabel('Only these sites').check();
  await inviteSites.getByRole('checkbox', { name: new RegExp(`Team shop\\s+${site}`) }).check();
  await invite.getByRole('button', { name: 'Create invitation link' }).click();
  const shown = page.getByTestId('invite-link');
  await expect(shown).toContainText(`Invitation for ${name} created`);
  const link = await shown.getByLabel('invitation link').inputValue();
  expect(link).toMatch(new RegExp(`^${baseURL}/_wm/dashboard/#/invite/[A-Za-z0-9_-]{43}$`));
  await expect(page.locator(`tr[data-invitation="${name}"]`)).toContainText('editor');
  await expect(page.locator(`tr[data-invitation="${name}"]`)).toContainText(site);
  await page.screenshot({ path: 'e2e/artifacts/team-invite.png', fullPage: true });

  // The editor, in a fresh browser context: the link, a password, signed in.
  const theirs = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const editor = await theirs.newPage();
  const editorCsp = watchCsp(editor);
  await editor.goto(link);
  await expect(editor.getByRole('heading', { name: 'Join the team' })).toBeVisible();
  await expect(editor.getByText(`You are invited as ${name}, with the role editor.`)).toBeVisible();
  await editor.getByLabel('Password', { exact: true }).fill('a long editor password');
  await editor.getByLabel('Password again').fill('a long editor password');
  await editor.screenshot({ path: 'e2e/artifacts/team-accept.png' });
  await editor.getByRole('button', { name: 'Set password and sign in' }).click();
  await expect(editor.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await expect(editor.getByTestId('signed-in')).toHaveText(new RegExp(`Signed in as ${name}\\s*editor`));
  await expect(editor.getByRole('link', { name: 'Team', exact: true })).toHaveCount(0);
  await expect(editor.locator(`a.site-card[href="#/s/${site}/overview"]`)).toBeVisible();
  await expect(editor.locator('a.site-card')).toHaveCount(1);

  // They can edit: a new segment.
  await editor.goto(`/_wm/dashboard/#/s/${site}/segments`);
  await editor.getByRole('link', { name: 'New segment' }).click();
  await editor.getByLabel('Name', { exact: true }).fill('Team road runners');
  await editor.getByLabel('Rule 1: what').selectOption('pref');
  await editor.getByLabel('Preference').fill('sport');
  await editor.getByLabel('Value').fill('road');
  await editor.getByRole('button', { name: 'Save segment' }).click();
  await expect(editor.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  // They cannot change the settings: Save is off, with the reason; no API tokens, no Team.
  await editor.goto(`/_wm/dashboard/#/s/${site}/settings`);
  await expect(editor.getByTestId('read-only')).toContainText('Your role (editor) can look but not change this: saving needs the publish permission');
  await expect(editor.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  await expect(editor.getByRole('region', { name: 'API tokens' })).toHaveCount(0);
  await editor.screenshot({ path: 'e2e/artifacts/team-editor-settings.png', fullPage: true });
  // The API says the same to a hand-made request.
  const session = (await (await editor.request.get(`${API}/session`)).json()) as { csrfToken: string; role: string };
  expect(session.role).toBe('editor');
  const refused = await editor.request.put(`${API}/sites/${site}`, {
    headers: { 'x-wm-csrf': session.csrfToken, origin: baseURL ?? '' },
    data: { name: 'Renamed', version: 2, origins: [baseURL], consentPolicy: 'opt-out' },
  });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: string }).error).toContain('needs the publish permission; your role editor holds write');

  // The link worked once.
  const again = await theirs.newPage();
  await again.goto(link);
  await expect(again.getByRole('alert')).toContainText('already used, was revoked, or never existed');

  // The admin: the editor is on the team, and the audit log names them.
  await page.reload();
  await expect(page.locator(`tr[data-user="${name}"]`)).toContainText('password');
  await expect(page.locator(`tr[data-user="${name}"]`)).toContainText(site);
  await expect(page.locator(`tr[data-invitation="${name}"]`)).toHaveCount(0);
  await page.screenshot({ path: 'e2e/artifacts/team.png', fullPage: true });
  // Their segment waits in the draft; the admin publishes it, and the audit entry names its author.
  await page.goto(`/_wm/dashboard/#/s/${site}/segments`);
  await publishDraft(page);
  await page.goto(`/_wm/dashboard/#/s/${site}/audit`);
  await expect(page.getByRole('row', { name: new RegExp(`user:${name} create`) })).toContainText('created segment');
  await page.screenshot({ path: 'e2e/artifacts/team-audit.png', fullPage: true });

  // Demoted to viewer: the segment editor turns read-only on their next page, Save with it.
  await page.goto('/_wm/dashboard/#/team');
  await page.getByLabel(`Role of ${name}`).selectOption('viewer');
  await expect(page.getByRole('status').filter({ hasText: `${name} is now viewer` })).toBeVisible();
  await editor.goto(`/_wm/dashboard/#/s/${site}/segments/new`);
  await editor.reload();
  await expect(editor.getByTestId('read-only')).toContainText('Your role (viewer) can look but not change this');
  await expect(editor.getByRole('button', { name: 'Save segment' })).toBeDisabled();
  await editor.screenshot({ path: 'e2e/artifacts/team-viewer.png', fullPage: true });

  expect(csp).toEqual([]);
  expect(editorCsp).toEqual([]);
  await theirs.close();
});
