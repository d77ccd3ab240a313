import { describe, expect, it } from 'vitest';
import type { SlotContent } from '../config/personalization';
import { renderContent } from './render';
import { sanitizeHtml } from './sanitize';
import payloads from './xss-payloads.json';

describe('renderContent', () => {
  it('escapes text', () => {
    expect(renderContent({ type: 'text', text: '<b>Hi</b> & "bye"' })).toBe('&lt;b&gt;Hi&lt;/b&gt; &amp; "bye"');
  });

  it('renders links and images', () => {
    expect(renderContent({ type: 'link', text: 'Shop <now>', href: '/shop?a=1&b=2' })).toBe('<a href="/shop?a=1&amp;b=2">Shop &lt;now&gt;</a>');
    expect(renderContent({ type: 'image', src: '/a.png', alt: 'A "quote"' })).toBe('<img src="/a.png" alt="A &quot;quote&quot;">');
    expect(renderContent({ type: 'image', src: 'https://cdn.example.com/a.png', alt: '', href: '/sale' })).toBe(
      '<a href="/sale"><img src="https://cdn.example.com/a.png" alt=""></a>',
    );
  });

  it('re-checks URLs even if a config skipped validation', () => {
    // Cast: a stored config that never went through contentSchema (the case this guards against).
    const bad = (c: object) => renderContent(c as SlotContent);
    expect(bad({ type: 'link', text: 'x', href: 'javascript:alert(1)' })).toBe('<a>x</a>');
    expect(bad({ type: 'image', src: 'javascript:alert(1)', alt: 'x' })).toBe('');
    expect(bad({ type: 'image', src: '/a.png', alt: '" onerror="alert(1)', href: 'data:text/html,x' })).toBe(
      '<a><img src="/a.png" alt="&quot; onerror=&quot;alert(1)"></a>',
    );
  });

  it('sanitizes html content: every payload renders as its sanitized form (checked in sanitize.test.ts)', () => {
    for (const html of payloads) {
      const out = renderContent({ type: 'html', html });
      expect(out).toBe(sanitizeHtml(html));
      // Attribute names only (values are escaped text and may say "onclick=").
      expect(out.replace(/="[^"]*"/g, '=""')).not.toMatch(/<script|<[^>]* on[a-z]+=/i);
    }
  });
});
