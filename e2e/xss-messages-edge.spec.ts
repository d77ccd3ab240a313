// The same XSS payloads as xss-messages.spec.ts, this time the whole way a marketer's text travels:
// written through the admin API into a site's messages (title, body, CTA text, survey question and
// option labels, each cut to its field's length limit), chosen by the real edge for a real visitor,
// carried in the /_wm/e answer and rendered by wm-ui.js in Chromium. A payload as a CTA link must
// be refused when it is written, unless it is a safe URL. No dialog, no window.__xss, no request
// to another host, and every text shows as the text it is.
import { readFileSync } from 'node:fs';
import { type APIRequestContext } from '@playwright/test';
import { expect, test } from './support/test';

const payloads = JSON.parse(readFileSync(new URL('../protocol/content/xss-payloads.json', import.meta.url), 'utf8')) as string[];
const GROUP = 24;
const RUN = Date.now().toString(36);

declare global {
  interface Window {
    __xss?: unknown;
  }
}

async function admin(request: APIRequestContext): Promise<string> {
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  expect(login.status()).toBe(200);
  return ((await login.json()) as { csrfToken: string }).csrfToken;
}

/** A page of a site that only routes /_wm/ to the worker (snippet mode), with one target per payload. */
const pageHtml = (site: string, count: number) =>
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>xss through the edge</title>' +
  '<script>window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}</script>' +
  `<script async src="/_wm/wm.js" data-site="${site}"></script></head><body><main>` +
  Array.from({ length: count }, (_, i) => `<div id="t${i}"></div>`).join('') +
  '</main></body></html>';

test('a payload as a CTA link is refused on write unless it is a safe URL', async ({ request }) => {
  const csrf = await admin(request);
  const site = `xss-href-${RUN}`;
  const created = await request.put(`/_wm/admin/api/sites/${site}`, {
    headers: { 'X-WM-CSRF': csrf },
    data: { name: 'XSS hrefs', version: 0, origins: [], consentPolicy: 'opt-out' },
  });
  expect(created.status()).toBe(200);
  let version = ((await created.json()) as { version: number }).version;
  let accepted = 0;
  for (const [i, href] of payloads.entries()) {
    const res = await request.put(`/_wm/admin/api/sites/${site}/messages/m${i}`, {
      headers: { 'X-WM-CSRF': csrf },
      data: { name: 'x', type: 'toast', body: 'x', cta: { text: 'Go', href }, baseVersion: version },
    });
    const body = (await res.json()) as { version?: number; error?: string };
    if (res.status() === 200) {
      accepted++;
      version = body.version!;
      expect(href, `accepted as a link: ${href}`).toMatch(/^(https?:\/\/|\/(?![\/\\])|mailto:|tel:)/i);
    } else {
      expect(res.status(), href).toBe(400);
      expect(body.error, href).toBeTruthy();
    }
  }
  expect(accepted, 'most payloads are not links at all').toBeLessThan(payloads.length / 4);
});

test.describe.configure({ mode: 'parallel' });

for (let start = 0; start < payloads.length; start += GROUP) {
  const group = payloads.slice(start, start + GROUP);
  test(`message payloads ${start}-${start + group.length - 1} through the admin API and the edge`, async ({ page, request, baseURL }) => {
    const csrf = await admin(request);
    const site = `xss-${RUN}-${start}`;
    const messages = [
      ...group.map((p, i) => ({
        id: `inline-${i}`,
        name: `Inline ${i}`,
        type: 'inline',
        target: `#t${i}`,
        title: p.slice(0, 120),
        body: p,
        cta: { text: p.slice(0, 60), href: '/cart' },
      })),
      {
        id: 'survey',
        name: 'Survey',
        type: 'survey',
        priority: 10,
        title: group[0]!.slice(0, 120),
        body: group[1] ?? group[0]!,
        survey: { pref: 'answer', options: group.slice(0, 8).map((p, i) => ({ value: `option-${i}`, label: p.slice(0, 100) })) },
      },
    ];
    const res = await request.put(`/_wm/admin/api/sites/${site}`, {
      headers: { 'X-WM-CSRF': csrf },
      data: {
        name: 'XSS messages',
        version: 0,
        origins: [new URL(baseURL!).origin],
        consentPolicy: 'opt-out',
        messages,
        messageFatigue: { perDay: 1000, minMinutesBetween: 0 },
      },
    });
    expect(res.status(), await res.text()).toBe(200);

    const found = { dialogs: [] as string[], errors: [] as string[], foreign: [] as string[] };
    page.on('dialog', (d) => {
      found.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => found.errors.push(e.message));
    const self = new URL(baseURL!).origin;
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== self) {
        found.foreign.push(url.href);
        return route.abort();
      }
      if (url.pathname === '/xss-edge.html') return route.fulfill({ contentType: 'text/html; charset=utf-8', body: pageHtml(site, group.length) });
      if (url.pathname.startsWith('/_wm/')) return route.continue();
      // Any other same-host file a payload manages to load is hostile script.
      return route.fulfill({ contentType: 'text/javascript', body: 'window.__xss=1;alert(1)' });
    });
    await page.goto('/xss-edge.html');

    // The edge chose every inline message and the survey; wm-ui.js drew them with the text as text.
    for (let i = 0; i < group.length; i++) await expect(page.locator(`#t${i} [data-wm-message="inline-${i}"]`)).toHaveCount(1, { timeout: 15_000 });
    const texts = await page
      .locator('[data-wm-message^="inline-"]')
      .evaluateAll((hosts) =>
        hosts.map((h) => [
          h.shadowRoot?.querySelector('.t')?.textContent,
          h.shadowRoot?.querySelector('.b')?.textContent,
          h.shadowRoot?.querySelector('a')?.textContent,
        ]),
      );
    expect(texts).toEqual(group.map((p) => [p.slice(0, 120), p, p.slice(0, 60)]));
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    const labels = await dialog.getByRole('button').allTextContents();
    expect(labels.slice(1)).toEqual(group.slice(0, 8).map((p) => p.slice(0, 100)));
    await dialog.getByRole('button').nth(1).click();
    await page.waitForTimeout(300);

    const elements = await page.evaluate(() =>
      [...document.querySelectorAll('[data-wm-message]')].flatMap((h) =>
        [...(h.shadowRoot?.querySelectorAll('*') ?? [])]
          .filter((el) => !['div', 'button', 'h2', 'p', 'a'].includes(el.localName) || [...el.attributes].some((a) => /^on|^src$|^style$/i.test(a.name)))
          .map((el) => el.outerHTML.slice(0, 120)),
      ),
    );
    const context = JSON.stringify(group);
    expect(elements, `elements the renderer did not make (${context})`).toEqual([]);
    expect(found.dialogs, `dialogs (${context})`).toEqual([]);
    expect(await page.evaluate(() => window.__xss), `window.__xss (${context})`).toBeUndefined();
    expect(found.foreign, 'requests to other hosts').toEqual([]);
    expect(found.errors, 'page errors').toEqual([]);
  });
}
