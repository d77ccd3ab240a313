// In-app messages in snippet mode: wm-ui.js shows the edge's message decisions (banner, toast,
// modal, survey, inline) when their trigger fires, one overlay at a time, accessibly, under a
// strict CSP, and records impressions, clicks, dismissals and survey answers through wm.js.
// The edge is not asked: POST /_wm/e and GET /_wm/decide are answered here with crafted decisions,
// and the fixture pages are served untouched (as a site that only routes /_wm/ to the worker).
import { mkdirSync } from 'node:fs';
import { serveFixturesUntouched } from './support/waymark';
import { type Locator, type Page } from '@playwright/test';
import { expect, test as base } from './support/test';
import type { Batch, CollectResponse, MessageDecision, WireEvent } from '../protocol/wire';

const PAGE = '/fixtures/messages.html';
const PAGE_CSP = '/fixtures/messages-csp.html';
const ARTIFACTS = 'e2e/artifacts';

const message = (id: string, extra: Partial<MessageDecision> = {}): MessageDecision => ({
  kind: 'message',
  id,
  variant: 'v1',
  type: 'toast',
  trigger: { on: 'load' },
  title: `Title ${id}`,
  body: `Body of ${id}.`,
  priority: 0,
  why: 'e2e',
  ...extra,
});

type Edge = { decisions: MessageDecision[]; events: WireEvent[] };

/** Fakes the edge: every collect response and /_wm/decide answer `edge.decisions`; sent events are kept. */
async function fakeEdge(page: Page, decisions: MessageDecision[]): Promise<Edge> {
  const edge: Edge = { decisions, events: [] };
  await serveFixturesUntouched(page);
  await page.route(
    (url) => url.pathname === '/_wm/e',
    async (route) => {
      const batch = JSON.parse(route.request().postData() ?? '{}') as Batch;
      edge.events.push(...(batch.events ?? []));
      const body: CollectResponse = { vid: 'e2e-visitor', accepted: [], duplicates: [], rejected: [], decisions: edge.decisions };
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }).catch(() => {});
    },
  );
  await page.route(
    (url) => url.pathname === '/_wm/decide',
    (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ decisions: edge.decisions }) }).catch(() => {}),
  );
  return edge;
}

/** Collects page errors and script dialogs (alert from an XSS). */
function watch(page: Page): { errors: string[]; dialogs: string[] } {
  const out = { errors: [] as string[], dialogs: [] as string[] };
  page.on('pageerror', (e) => out.errors.push(e.message));
  page.on('dialog', (d) => {
    out.dialogs.push(d.message());
    void d.dismiss();
  });
  return out;
}

/** Every test's page is watched from the start, and every test ends with no page error and no dialog. */
const test = base.extend({
  page: async ({ page }, use) => {
    const watched = watch(page);
    await use(page);
    expect(watched).toEqual({ errors: [], dialogs: [] });
  },
});

/** When each message host was added (performance.now()), recorded from before any page script runs. */
async function recordHosts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const at: Record<string, number> = {};
    (window as unknown as { __shown: Record<string, number> }).__shown = at;
    new MutationObserver((records) => {
      for (const r of records)
        r.addedNodes.forEach((n) => {
          if (n instanceof HTMLElement && n.dataset['wmMessage']) at[n.dataset['wmMessage']] ??= performance.now();
        });
    }).observe(document, { childList: true, subtree: true });
  });
}
const shownAt = (page: Page) => page.evaluate(() => (window as unknown as { __shown: Record<string, number> }).__shown);

/** wm-ui.js has started (it has the decisions: wm('on', 'decision') replays the latest to it). */
const ready = (page: Page) => page.waitForFunction(() => 'wmUi' in window);

const host = (page: Page, id: string): Locator => page.locator(`[data-wm-message="${id}"]`);

/** The track events named `name` sent so far. */
// By event id, as the edge stores them: a batch cut short by a navigation is resent from the outbox
// on the next page, and the fake edge (unlike the real one) would otherwise count it twice.
const tracked = (edge: Edge, name: string) => [
  ...new Map(edge.events.filter((e): e is Extract<WireEvent, { type: 'track' }> => e.type === 'track' && e.name === name).map((e) => [e.id, e.props])).values(),
];

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Let the entrance animation finish.
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${ARTIFACTS}/message-${name}.png` });
}

test('a banner shows on load, is recorded, closes, and is not shown again in this session', async ({ page }) => {
  const banner = message('spring-banner', {
    type: 'banner',
    title: 'Free shipping this week',
    body: 'On every order over 50, until Sunday.',
    cta: { text: 'Shop now', href: '/category/running' },
  });
  const edge = await fakeEdge(page, [banner]);
  await page.goto(PAGE);

  const region = page.getByRole('region', { name: 'Free shipping this week' });
  await expect(region).toBeVisible();
  await expect(region).toContainText('On every order over 50, until Sunday.');
  await expect(region.getByRole('link', { name: 'Shop now' })).toHaveAttribute('href', '/category/running');
  // Full width at the top of the viewport.
  // (once its entrance animation is over)
  await expect.poll(async () => (await region.boundingBox())!.y).toBe(0);
  expect((await region.boundingBox())!.width).toBe(page.viewportSize()!.width);
  await shot(page, 'banner');
  await expect.poll(() => tracked(edge, 'message_impression')).toEqual([{ message: 'spring-banner', variant: 'v1' }]);
  // Only one host, even though both /_wm/decide and every collect response carry it.
  expect(await page.locator('[data-wm-message]').count()).toBe(1);

  await region.getByRole('button', { name: 'Close' }).click();
  await expect(host(page, 'spring-banner')).toHaveCount(0);
  await expect.poll(() => tracked(edge, 'message_dismiss')).toEqual([{ message: 'spring-banner', variant: 'v1' }]);

  // The next page of the same session: the edge still sends it, it is not shown again.
  await page.goto(PAGE);
  await ready(page);
  await page.waitForTimeout(500);
  await expect(host(page, 'spring-banner')).toHaveCount(0);
});

test('a toast shows after its seconds on the page, bottom right', async ({ page }) => {
  await recordHosts(page);
  const toast = message('toast-time', {
    type: 'toast',
    trigger: { on: 'time', seconds: 1.5 },
    title: 'Still looking?',
    body: 'Our trail guide picks the right shoe in a minute.',
    cta: { text: 'Take the guide', href: 'https://shop.example/guide' },
  });
  await fakeEdge(page, [toast]);
  await page.goto(PAGE);
  const status = page.getByRole('status', { name: 'Still looking?' });
  await expect(status).toBeVisible();
  const at = (await shownAt(page))['toast-time']!;
  expect(at).toBeGreaterThanOrEqual(1_500);
  expect(at).toBeLessThan(4_000);
  const box = (await status.boundingBox())!;
  const view = page.viewportSize()!;
  expect(view.width - (box.x + box.width)).toBeLessThan(40);
  expect(view.height - (box.y + box.height)).toBeLessThan(40);
  await shot(page, 'toast');
});

test('a modal shows once the page is scrolled to its percent', async ({ page }) => {
  const modal = message('scroll-modal', {
    type: 'modal',
    trigger: { on: 'scroll', percent: 50 },
    title: 'Join the run club',
    body: 'Weekly routes, early access to drops, and 10% off your next pair.',
    cta: { text: 'Join free', href: '/club' },
  });
  await fakeEdge(page, [modal]);
  await page.goto(PAGE);
  await ready(page);
  await page.evaluate(() => scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * 0.3));
  await page.waitForTimeout(400);
  await expect(host(page, 'scroll-modal')).toHaveCount(0);
  await page.evaluate(() => scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * 0.6));
  const dialog = page.getByRole('dialog', { name: 'Join the run club' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await shot(page, 'modal');
});

test('exit intent: the pointer leaving through the top of the window shows the message', async ({ page }) => {
  await fakeEdge(page, [message('exit-modal', { type: 'modal', trigger: { on: 'exit' }, title: 'Before you go', body: 'Your cart is saved for 7 days.' })]);
  await page.goto(PAGE);
  await ready(page);
  await page.mouse.move(300, 300);
  // Moving between elements inside the page is not an exit, nor is leaving through the side.
  await page.mouse.move(300, 100);
  await page.evaluate(() =>
    document.documentElement.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientX: 0, clientY: 300, relatedTarget: null })),
  );
  await page.waitForTimeout(300);
  await expect(host(page, 'exit-modal')).toHaveCount(0);
  // Leaving towards the browser's chrome: relatedTarget null, clientY <= 0.
  await page.evaluate(() =>
    document.documentElement.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientX: 300, clientY: -1, relatedTarget: null })),
  );
  await expect(page.getByRole('dialog', { name: 'Before you go' })).toBeVisible();
});

test('event trigger: a data-wm-track click, or the page calling wm("track", name)', async ({ page }) => {
  const edge = await fakeEdge(page, [
    message('cart-toast', { trigger: { on: 'event', name: 'add_to_cart' }, title: 'Added to your cart', body: 'Free returns for 60 days.' }),
    message('custom-inline', {
      type: 'inline',
      target: '#inline-here',
      trigger: { on: 'event', name: 'quiz_done' },
      title: 'Your match',
      body: 'The Ridgeline Trail Runner fits how you run.',
      cta: { text: 'See it', href: '/product/ridgeline-trail-runner' },
    }),
  ]);
  await page.goto(PAGE);
  await ready(page);
  await page.waitForTimeout(300);
  await expect(page.locator('[data-wm-message]')).toHaveCount(0);
  // window.wm is wrapped, and still marked as the loaded snippet.
  expect(await page.evaluate(() => (window.wm as unknown as { v: number }).v)).toBe(1);

  await page.locator('#add').click();
  await expect(page.getByRole('status', { name: 'Added to your cart' })).toBeVisible();
  // The core still captured the click.
  await expect.poll(() => edge.events.some((e) => e.type === 'track' && e.name === 'add_to_cart')).toBe(true);

  await page.evaluate(() => window.wm('track', 'quiz_done', { score: 3 }));
  const inline = page.locator('#inline-here [data-wm-message="custom-inline"]');
  await expect(inline.getByRole('region', { name: 'Your match' })).toBeVisible();
  await expect.poll(() => edge.events.some((e) => e.type === 'track' && e.name === 'quiz_done')).toBe(true);
  await inline.scrollIntoViewIfNeeded();
  await shot(page, 'inline');
});

test('a survey answer is sent as a zero-party pref, then survey_answer, then thanks', async ({ page }) => {
  const survey = message('sport-survey', {
    type: 'survey',
    title: 'What are you training for?',
    body: 'One tap, and we will show you the right gear.',
    survey: {
      pref: 'sport',
      options: [
        { value: 'trail', label: 'Trail' },
        { value: 'road', label: 'Road' },
        { value: 'hiking', label: 'Hiking' },
      ],
    },
  });
  const edge = await fakeEdge(page, [survey]);
  await page.goto(PAGE);
  const dialog = page.getByRole('dialog', { name: 'What are you training for?' });
  await expect(dialog).toBeVisible();
  await shot(page, 'survey');
  await dialog.getByRole('button', { name: 'Trail' }).click();
  await expect(dialog).toContainText('Thanks');
  await expect.poll(() => tracked(edge, 'survey_answer').length).toBeGreaterThan(0);
  const i = edge.events.findIndex((e) => e.type === 'prefs');
  const prefs = edge.events[i] as Extract<WireEvent, { type: 'prefs' }>;
  expect(prefs.prefs).toEqual({ sport: 'trail' });
  // Sent in one batch or two, in outbox order: the client clock tells which came first.
  const answer = edge.events.find((e) => e.type === 'track' && e.name === 'survey_answer')!;
  expect(answer.ts).toBeGreaterThanOrEqual(prefs.ts);
  expect(tracked(edge, 'survey_answer')).toEqual([{ message: 'sport-survey', variant: 'v1', value: 'trail' }]);
  // Closes by itself; an answer is not a dismissal.
  await expect(host(page, 'sport-survey')).toHaveCount(0, { timeout: 5_000 });
  expect(tracked(edge, 'message_dismiss')).toEqual([]);
});

test('modal: focus moves in and is trapped, Esc closes, focus returns', async ({ page }) => {
  const edge = await fakeEdge(page, [
    message('offer', {
      type: 'modal',
      trigger: { on: 'event', name: 'open_modal' },
      title: 'Your offer',
      body: '15% off trail shoes today.',
      cta: { text: 'Claim it', href: '/category/running' },
    }),
  ]);
  await page.goto(PAGE);
  await ready(page);
  const opener = page.locator('#before');
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Your offer' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toBeFocused();
  const close = dialog.getByRole('button', { name: 'Close' });
  const cta = dialog.getByRole('link', { name: 'Claim it' });
  await page.keyboard.press('Tab');
  await expect(close).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(cta).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(close, 'Tab wraps to the first control').toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(cta, 'Shift+Tab wraps to the last control').toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(close).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(host(page, 'offer')).toHaveCount(0);
  await expect(opener).toBeFocused();
  await expect.poll(() => tracked(edge, 'message_dismiss')).toEqual([{ message: 'offer', variant: 'v1' }]);
});

test('one overlay at a time, the highest priority first; the others wait their turn; inline is independent', async ({ page }) => {
  await fakeEdge(page, [
    message('low-toast', { type: 'toast', priority: 1 }),
    message('top-modal', { type: 'modal', priority: 10 }),
    message('mid-banner', { type: 'banner', priority: 5 }),
    message('in-flow', { type: 'inline', target: '#inline-here', priority: 0 }),
  ]);
  await page.goto(PAGE);
  await expect(page.getByRole('dialog', { name: 'Title top-modal' })).toBeVisible();
  await expect(page.locator('#inline-here [data-wm-message="in-flow"]')).toBeAttached();
  await page.waitForTimeout(300);
  expect(await page.locator('[data-wm-message]').evaluateAll((els) => els.map((e) => e.getAttribute('data-wm-message')).sort())).toEqual([
    'in-flow',
    'top-modal',
  ]);

  await page.keyboard.press('Escape');
  await expect(page.getByRole('region', { name: 'Title mid-banner' })).toBeVisible();
  await expect(host(page, 'low-toast')).toHaveCount(0);
  await page.getByRole('region', { name: 'Title mid-banner' }).getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('status', { name: 'Title low-toast' })).toBeVisible();
  await expect(host(page, 'mid-banner')).toHaveCount(0);
});

test('CTA: unsafe hrefs are not rendered; a safe one is recorded as message_click', async ({ page }) => {
  const bad = ['javascript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example/', '/\\evil.example'];
  const edge = await fakeEdge(page, [
    ...bad.map((href, i) => message(`bad-${i}`, { type: 'inline', target: '#inline-here', cta: { text: `Bad ${i}`, href } })),
    message('good', { type: 'inline', target: '#inline-here', cta: { text: 'Good', href: '#inline-here' } }),
  ]);
  await page.goto(PAGE);
  await expect(page.locator('#inline-here [data-wm-message]')).toHaveCount(bad.length + 1);
  for (let i = 0; i < bad.length; i++) {
    const card = host(page, `bad-${i}`);
    await expect(card).toContainText(`Body of bad-${i}.`);
    await expect(card.locator('a')).toHaveCount(0);
  }
  // '#…' is not in the allowed list either.
  await expect(host(page, 'good').locator('a')).toHaveCount(0);

  edge.decisions = [
    message('safe', { type: 'modal', trigger: { on: 'event', name: 'open_modal' }, cta: { text: 'Go', href: '/fixtures/messages.html?from=cta' } }),
  ];
  await page.evaluate(() => window.wm('track', 'tick'));
  await expect.poll(() => edge.events.some((e) => e.type === 'track' && e.name === 'tick')).toBe(true);
  await page.locator('#before').click();
  // The next page is held back a second, as a real one often is: the click is then in the outbox
  // (IndexedDB) before this page goes. A beacon sent while a page unloads is not always seen by
  // Playwright's routes, so the test does not depend on it; the next page sends the outbox.
  await page.route(
    (url) => url.searchParams.get('from') === 'cta',
    async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.fallback();
    },
  );
  const nav = page.waitForURL(/from=cta/);
  await page.getByRole('dialog').getByRole('link', { name: 'Go' }).click();
  await nav;
  await expect.poll(() => tracked(edge, 'message_click')).toEqual([{ message: 'safe', variant: 'v1' }]);
});

test('decision text is text: markup shows literally and never runs', async ({ page }) => {
  const evil = '<img src=x onerror=alert(1)>';
  await fakeEdge(page, [message('xss', { type: 'modal', title: evil, body: `${evil}<script>alert(2)</script>`, cta: { text: evil, href: '/ok' } })]);
  await page.goto(PAGE);
  const dialog = page.getByRole('dialog', { name: evil });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('p')).toHaveText(`${evil}<script>alert(2)</script>`);
  await expect(dialog.getByRole('link', { name: evil })).toBeVisible();
  await expect(dialog.locator('img, script')).toHaveCount(0);
  await page.waitForTimeout(500);
});

test('under a strict CSP (no inline styles, no eval) every type is styled and shown without a violation', async ({ page }) => {
  await page.addInitScript(() => {
    const v: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = v;
    document.addEventListener('securitypolicyviolation', (e) => v.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const csp = () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  await fakeEdge(page, [
    message('csp-banner', { type: 'banner', priority: 2 }),
    message('csp-inline', { type: 'inline', target: '#inline-here' }),
    message('csp-toast', { type: 'toast', priority: 1, cta: { text: 'Go', href: '/x' } }),
  ]);
  await page.goto(PAGE_CSP);
  const banner = page.getByRole('region', { name: 'Title csp-banner' });
  await expect(banner).toBeVisible();
  // The constructable stylesheet applied: the banner is fixed at the top.
  expect(await banner.evaluate((e) => getComputedStyle(e.parentElement!).position)).toBe('fixed');
  await expect(page.getByRole('region', { name: 'Title csp-inline' })).toBeVisible();
  await banner.getByRole('button', { name: 'Close' }).click();
  const toast = page.getByRole('status', { name: 'Title csp-toast' });
  await expect(toast).toBeVisible();
  expect(await toast.evaluate((e) => getComputedStyle(e.parentElement!).position)).toBe('fixed');
  expect(await page.locator('[data-wm-message][style], style').count()).toBe(0);
  await page.waitForTimeout(300);
  expect(await csp()).toEqual([]);

  // Control: the policy is enforced, and an inline style would be reported.
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>'));
  await expect.poll(async () => (await csp()).length).toBe(1);
});

test('prefers-reduced-motion: reduce shows messages without animation', async ({ page }) => {
  await fakeEdge(page, [message('motion', { type: 'modal' })]);
  const animation = () => page.getByRole('dialog').evaluate((e) => getComputedStyle(e).animationName);

  await page.goto(PAGE);
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(await animation()).not.toBe('none');

  await page.evaluate(() => sessionStorage.clear());
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(PAGE);
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(await animation()).toBe('none');
  expect(await page.getByRole('dialog').evaluate((e) => getComputedStyle(e.parentElement!).animationName)).toBe('none');
});

test('personalization declined (analytics allowed): messages in collect responses are not shown', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('wm_consent', JSON.stringify({ analytics: true, personalization: false })));
  const edge = await fakeEdge(page, [message('declined', { type: 'banner' })]);
  const ui = page.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/wm-ui.js');
  await page.goto(PAGE);
  expect((await ui).ok(), 'wm-ui.js ran, and chose to show nothing').toBe(true);
  await page.waitForTimeout(800);
  await expect(page.locator('[data-wm-message]')).toHaveCount(0);
  expect(tracked(edge, 'message_impression')).toEqual([]);
});
