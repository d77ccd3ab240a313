// Admin sessions in a real browser (issue #11 point 6): a page on another origin cannot frame the
// dashboard nor an admin API answer (frame-ancestors 'none', X-Frame-Options: DENY), and signing in
// gives a new session id even when the browser already held one (fixation). The cookie's __Host-
// form needs https, which the local server is not: edge/test/admin-sessions.test.ts covers it.
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';

const FRAMER = 'http://framer.test';

/** A page at `framer` with `target` in an iframe; resolves with what the frame shows. */
async function frameFrom(page: Page, framer: string, target: string): Promise<{ url: string; text: string | null }> {
  await page.route(framer, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>framer</title><iframe src="${target}" width="800" height="600"></iframe>` }),
  );
  await page.goto(framer);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  if (!frame) throw new Error('no frame');
  // Blocked or not, the frame settles: either the target's document or Chromium's error page.
  await frame.waitForLoadState('load');
  const text = await frame.evaluate(() => document.body?.innerText ?? null).catch(() => null);
  return { url: frame.url(), text };
}

async function signIn(page: Page): Promise<string> {
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  const cookie = (await page.context().cookies()).find((c) => c.name === 'wm_admin');
  if (!cookie) throw new Error('no session cookie');
  return cookie.value;
}

test('no page, on another origin or on the site itself, can frame the dashboard or the admin API', async ({ page, baseURL }) => {
  // The same-origin framer matters: frame-ancestors 'self' would let any page of a proxied site
  // (where a marketer's content or a third-party script runs) frame the dashboard.
  for (const framer of [`${FRAMER}/`, `${baseURL}/framer-probe.html`]) {
    for (const path of ['/_wm/dashboard/', '/_wm/admin/api/login']) {
      const framed = await frameFrom(page, framer, `${baseURL}${path}`);
      expect(framed.url, `${framer} framing ${path}`).not.toBe(`${baseURL}${path}`);
      expect(framed.text ?? '', `${framer} framing ${path}`).not.toMatch(/Sign in|password/);
    }
  }
  // The same URLs load at the top level: it is the framing that is refused.
  await page.goto('/_wm/dashboard/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('signing in replaces a session id the browser already held, and the old one is dead', async ({ page, baseURL, request }) => {
  const planted = 'A'.repeat(43);
  await page.context().addCookies([{ name: 'wm_admin', value: planted, url: `${baseURL}/_wm/admin` }]);
  const first = await signIn(page);
  expect(first).not.toBe(planted);
  // Signing in again while signed in (the browser's cookie jar sends the live session): a new id.
  const again = await page.request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: baseURL ?? '' } });
  expect(again.status()).toBe(200);
  const second = (await page.context().cookies()).find((c) => c.name === 'wm_admin')?.value;
  expect(second).toBeDefined();
  expect(second).not.toBe(first);
  // Checked from a clean client: the planted and the first ids are dead, the new one is live.
  const status = async (id: string) => (await request.get('/_wm/admin/api/session', { headers: { cookie: `wm_admin=${id}` } })).status();
  expect(await status(planted)).toBe(401);
  expect(await status(first)).toBe(401);
  expect(await status(second ?? '')).toBe(200);
});
