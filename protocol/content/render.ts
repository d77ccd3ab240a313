/**
 * Slot content → the HTML that fills a slot. Every content type ends in sanitizeHtml, even the
 * ones built here from plain fields: the config was checked on save, but render must not depend on
 * it (an old or hand-edited stored config, a bug in a builder below).
 */
import type { SlotContent } from '../config/personalization';
import { escapeAttr, escapeText, sanitizeHtml } from './sanitize';

export function renderContent(content: SlotContent): string {
  switch (content.type) {
    case 'text':
      return sanitizeHtml(escapeText(content.text));
    case 'link':
      return sanitizeHtml(`<a href="${escapeAttr(content.href)}">${escapeText(content.text)}</a>`);
    case 'image': {
      const img = `<img src="${escapeAttr(content.src)}" alt="${escapeAttr(content.alt)}">`;
      return sanitizeHtml(content.href === undefined ? img : `<a href="${escapeAttr(content.href)}">${img}</a>`);
    }
    case 'html':
      return sanitizeHtml(content.html);
  }
}
