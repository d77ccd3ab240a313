import { describe, expect, it } from 'vitest';
import { headerSafe, lookup, merge, mergePaths, renderEmail, type MergeData } from './render';

const data: MergeData = {
  traits: { first_name: 'Ada', plan: 'pro', visits: 3, vip: true, nested: { a: 1 }, empty: '' },
  prefs: { color: 'green' },
  userId: 'u-1',
  site: { id: 'shop', name: 'The Shop' },
  unsubscribeUrl: 'https://shop.example.com/_wm/email/unsubscribe?site=shop&t=abc.def',
};

describe('merge fields', () => {
  it('reads traits, prefs, user, site and the unsubscribe link', () => {
    expect(merge('Hi {{ traits.first_name }} ({{prefs.color}}, {{ user.id }}, {{ site.name }}, {{ traits.visits }}, {{ traits.vip }})', data, (v) => v)).toBe(
      'Hi Ada (green, u-1, The Shop, 3, true)',
    );
    expect(lookup('unsubscribe_url', data)).toBe(data.unsubscribeUrl);
  });

  it('a missing field renders its default, or nothing; never the raw tag', () => {
    expect(merge('Hi {{ traits.last_name | default: "there" }}!', data, (v) => v)).toBe('Hi there!');
    expect(merge("Hi {{ traits.last_name | default: 'you' }}!", data, (v) => v)).toBe('Hi you!');
    expect(merge('Hi {{ traits.last_name }}!', data, (v) => v)).toBe('Hi !');
    expect(merge('{{ traits.empty | default: "x" }}', data, (v) => v)).toBe('x');
    expect(merge('{{ traits.nested }}|{{ not a field }}|{{ traits.__proto__ }}|{{ constructor }}', data, (v) => v)).toBe('|||');
    expect(merge('{{ traits.first_name | upcase }}', data, (v) => v)).toBe('');
    expect(mergePaths({ subject: '{{ traits.a }}', html: '{{ prefs.b | default: "x" }}', text: '{{ bad tag }} {{ traits.a }}' })).toEqual([
      'traits.a',
      'prefs.b',
    ]);
  });
});

describe('renderEmail escapes each part for its context', () => {
  const hostile: MergeData = {
    ...data,
    traits: {
      first_name: '<script>alert(1)</script><img src=x onerror=alert(2)>',
      url: 'javascript:alert(3)',
      quote: '" onmouseover="alert(4)',
      subject: 'Hello\r\nBcc: victim@example.com\nX-Evil: 1',
    },
  };

  it('subject: no CR/LF (no header injection)', () => {
    const out = renderEmail({ subject: 'Re: {{ traits.subject }}', html: '', text: 'x' }, hostile);
    expect(out.subject).toBe('Re: Hello Bcc: victim@example.com X-Evil: 1');
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(headerSafe('a\u2028b\u0000c')).toBe('a b c');
  });

  it('HTML: values escaped, template HTML sanitized, links kept', () => {
    const out = renderEmail(
      {
        subject: 's',
        html:
          '<p onclick="x()">Hi {{ traits.first_name }}</p><a href="{{ traits.url }}">bad</a><a href="https://shop.example.com/cart?x=1&y={{ traits.quote }}">cart</a>' +
          '<script>alert(5)</script><a href="{{ unsubscribe_url }}">Unsubscribe</a><img src="https://cdn.example.com/a.png" alt="{{ traits.quote }}">',
        text: 't',
      },
      hostile,
    );
    // No element, no event-handler attribute, no script URL: hostile values are text.
    expect(out.html.replace(/"[^"]*"/g, '""')).not.toMatch(/<script|<[^>]*\son\w+=/i);
    expect(out.html).not.toMatch(/javascript:/i);
    expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // A value that would break out of the attribute makes the URL unsafe: the link loses its href.
    expect(out.html).toContain('<a>cart</a>');
    expect(out.html).toContain('alt="&quot; onmouseover=&quot;alert(4)"');
    expect(out.html).toContain('href="https://shop.example.com/_wm/email/unsubscribe?site=shop&amp;t=abc.def"');
    expect(out.html).toContain('<a>bad</a>');
  });

  it('links with merge values are kept', () => {
    const out = renderEmail(
      { subject: 's', html: '<a href="https://shop.example.com/cart?u={{ user.id }}&n={{ traits.first_name }}">Back to your cart</a>', text: 't' },
      data,
    );
    expect(out.html).toBe('<a href="https://shop.example.com/cart?u=u-1&amp;n=Ada">Back to your cart</a>');
  });

  it('text: values as they are (text/plain), no NUL', () => {
    const out = renderEmail({ subject: 's', html: '', text: 'Hi {{ traits.first_name }}\0' }, hostile);
    expect(out.text).toBe('Hi <script>alert(1)</script><img src=x onerror=alert(2)>');
  });
});
