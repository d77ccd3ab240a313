// wm-consent.js under Trusted Types: on a page that sends `require-trusted-types-for 'script';
// trusted-types waymark waymark-ui`, wm.js loads wm-consent.js (data-cmp) and wm-ui.js (the page
// has a slot) through its one policy "waymark" (a second createPolicy of that name would be
// refused), with no violation, and the platform's choice still reaches the edge.
import { readFileSync } from 'node:fs';
import { expect, test } from './support/test';
import { hasTrack, waitForProfile } from './support/waymark';

const TT_CSP = "require-trusted-types-for 'script'; trusted-types waymark waymark-ui";

test('data-cmp and a slot on a Trusted Types page: both chunks load, 0 violations, consent reaches the edge', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Trusted ?Type|TrustedScript/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('__wmViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __wmViolation: (v: string) => void }).__wmViolation(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  const html = readFileSync('e2e/fixtures/cmp/cookiebot.html', 'utf8').replace('<main>', '<main><section data-wm-slot="hero"><h1>Default hero</h1></section>');
  await page.route('**/fixtures/cmp/cookiebot.html', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': TT_CSP }, body: html }),
  );

  await page.goto('/fixtures/cmp/cookiebot.html');
  await expect(page.locator('script[src$="/_wm/wm-consent.js"]')).toHaveCount(1);
  await expect(page.locator('script[src$="/_wm/wm-ui.js"]')).toHaveCount(1);
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Track me' }).click();
  await page.evaluate(() => window.cmpTest.choose({ preferences: true, statistics: true, marketing: false }));
  const profile = await waitForProfile(page.request, (p) => hasTrack(p, 'cmp_cta'), 'the held click');
  expect(profile.consent).toMatchObject({ analytics: true, personalization: true });
  expect(violations).toEqual([]);
});
