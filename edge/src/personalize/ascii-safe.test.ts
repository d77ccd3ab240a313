import { describe, expect, it } from 'vitest';
import { asciiJson, asciiSafeHtml } from './ascii-safe';

const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);
/** What an HTML parser makes of numeric character references (the only escapes asciiSafeHtml writes). */
const decodeReferences = (s: string) => s.replace(/&#x([0-9a-f]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));

describe('asciiSafeHtml', () => {
  it('writes é, €, 中文 and an emoji as references, in text and in attribute values', () => {
    expect(asciiSafeHtml('<p title="Café €5">中文 😀</p>')).toBe('<p title="Caf&#xe9; &#x20ac;5">&#x4e2d;&#x6587; &#x1f600;</p>');
  });

  it('leaves ASCII (markup, existing references, newlines) exactly as it was', () => {
    const ascii = '<a href="/x?a=1&amp;b=2">&lt;tag&gt; &#233;\n\t</a>';
    expect(asciiSafeHtml(ascii)).toBe(ascii);
  });

  it('turns a lone surrogate into U+FFFD, as an HTML parser would read it', () => {
    expect(asciiSafeHtml('a\ud800b\udc00')).toBe('a&#xfffd;b&#xfffd;');
  });

  it('always gives ASCII that reads back as the same text (every plane, random strings)', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 300; round++) {
      let text = '';
      for (let i = 0; i < 20; i++) {
        const plane = next() % 4;
        const code =
          plane === 0 ? next() % 0x80 : plane === 1 ? 0x80 + (next() % 0x780) : plane === 2 ? 0x800 + (next() % 0xd000) : 0x10000 + (next() % 0xfffff);
        text += String.fromCodePoint(code >= 0xd800 && code <= 0xdfff ? 0x41 : code);
      }
      const safe = asciiSafeHtml(text);
      expect(isAscii(safe)).toBe(true);
      // Text with no "&#x" of its own reads back as it was.
      if (!text.includes('&')) expect(decodeReferences(safe)).toBe(text);
    }
  });
});

describe('asciiJson', () => {
  it('is ASCII and parses to the same value', () => {
    const value = { body: 'Café € 中文 😀 \u2028', n: 1 };
    const json = asciiJson(JSON.stringify(value));
    expect(isAscii(json)).toBe(true);
    expect(JSON.parse(json)).toEqual(value);
    expect(json).toContain('\\ud83d\\ude00');
  });
});
