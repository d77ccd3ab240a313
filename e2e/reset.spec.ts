/**
 * Shared devices (issue #11 point 9): user A signs in, signs out with wm('reset'), user B signs
 * in on the same browser. The browser gets a new anonymous id, and neither golden record holds
 * any event, trait or pref of the other user.
 */
import { type BrowserContext } from '@playwright/test';
import { expect, test } from './support/test';
import type { ProfileExport } from '../protocol/wire';
import { flushWithSentinel, newId, readProfile, withoutSentinels } from './support/waymark';

const visitorToken = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === 'wm_vid')?.value;

test("user A signs out with wm('reset'), user B signs in: new anonymous id, 0 of B's data in A's record and 0 of A's in B's", async ({ page, context }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const tag = newId().slice(0, 8);
  const userA = `alice-${tag}`;
  const userB = `bob-${tag}`;

  await page.goto('/fixtures/forms.html?as=alice');
  await page.waitForFunction(() => typeof window.wm === 'function' && (window.wm as { v?: number }).v === 1);
  await page.evaluate((u) => {
    window.wm('identify', u, { plan: 'gold-plan' });
    window.wm('prefs', { palette: 'alpine-green' });
    window.wm('track', 'a_only_event');
  }, userA);
  await flushWithSentinel(page);
  const tokenA = await visitorToken(context);
  const vidA = await page.evaluate(() => localStorage.getItem('wm_vid'));
  const sessionA = await page.evaluate(() => JSON.parse(localStorage.getItem('wm_sid') ?? '{}').i as string);
  expect(tokenA).toBeTruthy();

  // A signs out; the site calls reset and goes on; B signs in on the same browser.
  await page.evaluate(() => window.wm('reset'));
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('wm_sid') ?? '{}').i as string | undefined)).not.toBe(sessionA);
  await page.goto('/fixtures/forms.html?as=bob');
  await page.waitForFunction(() => typeof window.wm === 'function' && (window.wm as { v?: number }).v === 1);
  await page.evaluate((u) => {
    window.wm('identify', u, { plan: 'basic-plan' });
    window.wm('prefs', { palette: 'seaside-blue' });
    window.wm('track', 'b_only_event');
  }, userB);
  const b = await flushWithSentinel(page);

  // A new anonymous id: cookie and the snippet's copy.
  const tokenB = await visitorToken(context);
  expect(tokenB).toBeTruthy();
  expect(tokenB!.split('.')[0]).not.toBe(tokenA!.split('.')[0]);
  expect(await page.evaluate(() => localStorage.getItem('wm_vid'))).not.toBe(vidA);

  const read = await readProfile(page.request, { authorization: `Bearer ${tokenA}` });
  expect(read.status).toBe(200);
  const a = read.profile as ProfileExport;
  expect(a).toMatchObject({ userId: userA, traits: { plan: 'gold-plan' }, prefs: { palette: 'alpine-green' } });
  expect(b).toMatchObject({ userId: userB, traits: { plan: 'basic-plan' }, prefs: { palette: 'seaside-blue' } });
  expect(a.linkedVisitors?.map((v) => v.id)).toEqual([tokenA!.slice(0, 8)]);
  expect(b.linkedVisitors?.map((v) => v.id)).toEqual([tokenB!.slice(0, 8)]);
  const text = { a: JSON.stringify(withoutSentinels(a.events)) + JSON.stringify(a), b: JSON.stringify(withoutSentinels(b.events)) + JSON.stringify(b) };
  for (const word of [userB, 'basic-plan', 'seaside-blue', 'b_only_event', 'as=bob']) expect(text.a, `A's record holds ${word}`).not.toContain(word);
  for (const word of [userA, 'gold-plan', 'alpine-green', 'a_only_event', 'as=alice']) expect(text.b, `B's record holds ${word}`).not.toContain(word);
  expect(errors).toEqual([]);
});
