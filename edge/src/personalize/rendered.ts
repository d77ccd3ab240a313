/**
 * Slot content rendered once per content object. renderContent ends in sanitizeHtml, a parse of
 * the marketer's HTML; the visitor object rendered the winning variant (and every locale of it,
 * while proxy mode does not know the page's lang yet) on every page view. A config is immutable
 * once loaded and cached per version (profile/site-config.ts), so its content objects are stable
 * keys; a new version is new objects, and the old entries go with the old config. Pure.
 */
import type { SlotContent } from '../../../protocol/config/personalization';
import { renderContent } from '../../../protocol/content/render';

const memo = new WeakMap<SlotContent, string>();

export function renderedContent(content: SlotContent): string {
  let html = memo.get(content);
  if (html === undefined) {
    html = renderContent(content);
    memo.set(content, html);
  }
  return html;
}
