/** The visual editor's framed page, as specs drive it (e2e/visual-editor.spec.ts, e2e/marketer-journey.spec.ts). */
import type { Frame, Page } from '@playwright/test';

/**
 * A real mouse click (hover first) on `at` inside the framed page. The dashboard shows the page
 * scaled to fit, and Playwright's own clicks in a transformed frame miss: so the point is mapped
 * here, from the element's box in the page through the frame's scaled box in the dashboard.
 */
export async function mouseClick(page: Page, frame: Frame, at: string, click = true): Promise<void> {
  const target = frame.locator(at).first();
  await target.scrollIntoViewIfNeeded();
  const inner = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + Math.min(r.height / 2, 8) };
  });
  const outer = (await page.locator('iframe[data-editor-frame]').last().boundingBox())!;
  const scale = outer.width / (await frame.evaluate(() => innerWidth));
  await page.mouse.move(outer.x + inner.x * scale, outer.y + inner.y * scale);
  if (click) await page.mouse.click(outer.x + inner.x * scale, outer.y + inner.y * scale);
}
