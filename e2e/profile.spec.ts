// The visitor's own data: export (GET /_wm/me), erase (DELETE /_wm/me), and nobody else can read it.
import { request as playwrightRequest, type Page } from '@playwright/test';
import { expect, resending, test } from './support/test';
import type { CollectResponse } from '../protocol/wire';
import { COLLECT_PATH, VISITOR_COOKIE } from '../protocol/limits';
import { eventsOf, ORIGIN, PROFILE_URL, readProfile, waitForProfile } from './support/waymark';

/** Visits the home page and returns the signed visitor token from the first 200 of /_wm/e. */
async function visitAndGetToken(page: Page): Promise<string> {
  const collected = page.waitForResponse((r) => new URL(r.url()).pathname === COLLECT_PATH && r.request().method() === 'POST' && r.status() === 200);
  await page.goto('/');
  const body = (await (await collected).json()) as CollectResponse;
  expect(body.vid, `CollectResponse.vid: ${JSON.stringify(body)}`).toEqual(expect.any(String));
  return body.vid!;
}

/** The same token with one character of its signature changed (a character well inside the end). */
function alterSignature(token: string): string {
  const i = token.length - 6;
  const c = token[i]!;
  const swapped = c === 'A' ? 'B' : c === '0' ? '1' : 'A';
  return token.slice(0, i) + swapped + token.slice(i + 1);
}

test('export: the visitor sees their events and preferences', async ({ page, context }) => {
  await page.goto('/');
  await page.getByLabel('I am training for').selectOption('hiking');
  const profile = await waitForProfile(
    page.request,
    (p) => p.prefs['sport'] === 'hiking' && eventsOf(p, 'page').length === 1,
    'page view and preference in the export',
  );

  expect(profile.site).toBe('demo');
  expect(profile.visitorId).toEqual(expect.any(String));
  expect(profile.visitorId.length).toBeGreaterThan(0);
  expect(profile.eventCount).toBe(profile.events.length);
  expect(profile.firstSeen).toEqual(expect.any(Number));
  expect(profile.lastSeen! >= profile.firstSeen!).toBe(true);
  for (const e of profile.events) expect(e.receivedAt).toEqual(expect.any(Number));

  const cookie = (await context.cookies()).find((c) => c.name === VISITOR_COOKIE);
  expect(cookie, 'wm_vid cookie').toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe('Lax');
  expect(await page.evaluate(() => document.cookie), 'HttpOnly: invisible to scripts').not.toContain(VISITOR_COOKIE);

  // The "Your data" footer link opens the same export.
  const res = await page.request.get(PROFILE_URL);
  expect(res.headers()['content-type']).toContain('application/json');
  expect(await page.getByRole('link', { name: 'Your data' }).getAttribute('href')).toBe('/_wm/me?site=demo');
});

test('identify: user id and traits appear in the export', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => window.wm('identify', 'runner-42', { plan: 'pro', newsletter: true }));
  const profile = await waitForProfile(page.request, (p) => p.userId === 'runner-42', 'userId after identify');
  expect(profile.traits).toMatchObject({ plan: 'pro', newsletter: true });
  expect(eventsOf(profile, 'identify')).toHaveLength(1);
});

test('erase: the footer button wipes the profile and the cookie', async ({ page, context }) => {
  await page.goto('/product/summit-30-daypack');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await waitForProfile(page.request, (p) => p.eventCount >= 2, 'page view and add_to_cart before erasing');

  const erased = page.waitForResponse((r) => r.url().endsWith(PROFILE_URL) && r.request().method() === 'DELETE');
  await page.getByRole('button', { name: 'Erase my data' }).click();
  expect((await erased).status()).toBe(200);
  await expect(page.getByText('Your data was erased.')).toBeVisible();

  expect(
    (await context.cookies()).some((c) => c.name === VISITOR_COOKIE),
    'cookie cleared',
  ).toBe(false);
  const read = await readProfile(page.request);
  if (read.status === 200) {
    expect(read.profile!.eventCount, read.text).toBe(0);
    expect(read.profile!.events, read.text).toEqual([]);
    expect(read.profile!.prefs, read.text).toEqual({});
  } else {
    expect(read.status, read.text).toBe(401);
  }
});

test('after erasing, the next visit starts a new visitor id (the old one is forgotten)', async ({ page }) => {
  await page.goto('/');
  const before = await waitForProfile(page.request, (p) => p.eventCount >= 1, 'first visit stored');
  const erased = page.waitForResponse((r) => r.url().endsWith(PROFILE_URL) && r.request().method() === 'DELETE');
  await page.getByRole('button', { name: 'Erase my data' }).click();
  expect((await erased).status()).toBe(200);
  await expect(page.getByText('Your data was erased.')).toBeVisible();

  await page.goto('/category/hiking');
  const after = await waitForProfile(page.request, (p) => p.eventCount >= 1, 'the next visit is stored');
  expect(after.visitorId, 'the erased id is not reused').not.toBe(before.visitorId);
  expect(eventsOf(after, 'page').map((e) => new URL(e.url).pathname)).toEqual(['/category/hiking']);
});

test("a second browser cannot read the first visitor's profile", async ({ page, browser }) => {
  await page.goto('/');
  const first = await waitForProfile(page.request, (p) => p.eventCount >= 1, 'first visitor stored');

  const other = await browser.newContext();
  try {
    const otherPage = await other.newPage();
    const before = await readProfile(otherPage.request);
    expect(before.status, `no cookie, no profile: ${before.text}`).toBe(401);

    await otherPage.goto('/category/running');
    const second = await waitForProfile(otherPage.request, (p) => p.eventCount >= 1, 'second visitor stored');
    expect(second.visitorId).not.toBe(first.visitorId);
    const firstIds = new Set(first.events.map((e) => e.id));
    expect(second.events.filter((e) => firstIds.has(e.id))).toEqual([]);
    expect(eventsOf(second, 'page').map((e) => new URL(e.url).pathname)).toEqual(['/category/running']);
  } finally {
    await other.close();
  }
});

test('the signed token: valid as a bearer, forged ones are refused', async ({ page }) => {
  const token = await visitAndGetToken(page);
  const first = await waitForProfile(page.request, (p) => p.eventCount >= 1, 'first visitor stored');

  const api = resending(await playwrightRequest.newContext({ baseURL: ORIGIN })); // no cookies at all
  try {
    const ok = await readProfile(api, { authorization: `Bearer ${token}` });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.profile!.visitorId).toBe(first.visitorId);

    const forged = [
      ['altered signature', alterSignature(token)],
      ['made-up id', 'visitor-that-does-not-exist'],
      ['truncated', token.slice(0, Math.floor(token.length / 2))],
    ] as const;
    for (const [what, bad] of forged) {
      const bearer = await readProfile(api, { authorization: `Bearer ${bad}` });
      expect([401, 403], `${what} bearer -> ${bearer.status} ${bearer.text}`).toContain(bearer.status);
      const cookie = await readProfile(api, { cookie: `${VISITOR_COOKIE}=${bad}` });
      expect([401, 403], `${what} cookie -> ${cookie.status} ${cookie.text}`).toContain(cookie.status);
    }
    const erase = await api.delete(PROFILE_URL, { headers: { authorization: `Bearer ${alterSignature(token)}` } });
    expect([401, 403], `DELETE with a forged token -> ${erase.status()}`).toContain(erase.status());
    const still = await readProfile(page.request);
    expect(still.profile?.eventCount ?? 0, 'the forged DELETE erased nothing').toBeGreaterThanOrEqual(1);

    // The real token may erase, and the bearer then sees an empty profile (or none).
    const real = await api.delete(PROFILE_URL, { headers: { authorization: `Bearer ${token}` } });
    expect(real.status(), await real.text()).toBe(200);
    expect(await real.json()).toEqual({ erased: true });
    const after = await readProfile(api, { authorization: `Bearer ${token}` });
    if (after.status === 200) expect(after.profile!.eventCount, after.text).toBe(0);
    else expect([401, 403], after.text).toContain(after.status);
  } finally {
    await api.dispose();
  }
});
