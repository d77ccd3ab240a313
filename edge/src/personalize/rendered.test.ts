import { describe, expect, it } from 'vitest';
import type { SlotContent } from '../../../protocol/config/personalization';
import { renderContent } from '../../../protocol/content/render';
import { renderedContent } from './rendered';

describe('renderedContent (slot content rendered once per content object)', () => {
  const contents: SlotContent[] = [
    { type: 'text', text: 'Hi <b>there</b>' },
    { type: 'link', text: 'Shop', href: '/shop' },
    { type: 'image', src: '/a.png', alt: 'A', href: '/a' },
    { type: 'html', html: '<p onclick="x()">Trail <script>alert(1)</script><strong>shoes</strong></p>' },
  ];

  it('is what renderContent makes, sanitized, on the first call and the next', () => {
    for (const content of contents) {
      const first = renderedContent(content);
      expect(first).toBe(renderContent(content));
      expect(renderedContent(content)).toBe(first);
    }
    const html = renderedContent(contents[3]!);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('onclick');
  });

  it('keys on the object: another content object is rendered for itself', () => {
    const a: SlotContent = { type: 'text', text: 'Version 1' };
    const b: SlotContent = { type: 'text', text: 'Version 2' };
    expect(renderedContent(a)).toContain('Version 1');
    expect(renderedContent(b)).toContain('Version 2');
    expect(renderedContent(a)).toContain('Version 1');
  });
});
