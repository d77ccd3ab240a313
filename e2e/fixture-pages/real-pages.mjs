// Saved real-world-like pages for proxy mode (issue #11 point 10), as bytes in their own charset:
// a shop page in windows-1252 and a news page in GBK, each with its charset declared in the
// Content-Type header, in a <meta> element only, or nowhere; and a UTF-8 page whose <head> has a
// <base href> pointing at another host. None carries the Waymark tag: the worker injects it.
// The file name says what the upstream sends (e2e/proxy-real-pages.spec.ts serves them):
//   <charset>.header.html  Content-Type: text/html; charset=<charset>
//   <charset>.meta.html    Content-Type: text/html, and <meta charset="<charset>">
//   <charset>.none.html    Content-Type: text/html, no declaration anywhere
// Keys are paths under e2e/fixtures/real-pages/; values are the files' bytes (Uint8Array).

// windows-1252's 0x80-0x9F (WHATWG index; 0x81, 0x8D, 0x8F, 0x90, 0x9D unused). Written out
// because Node's TextDecoder reads "windows-1252" as ISO-8859-1 (C1 controls there).
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Encodes `text` in windows-1252 (from the table above and Latin-1) or GBK (Node's decoder, full
 * ICU, run backwards over every two-byte sequence).
 */
function encoder(charset) {
  const table = new Map();
  if (charset === 'windows-1252') {
    [...WINDOWS_1252_C1].forEach((char, i) => table.set(char, [0x80 + i]));
    for (let byte = 0xa0; byte <= 0xff; byte++) table.set(String.fromCharCode(byte), [byte]);
  }
  const decoder = new TextDecoder(charset, { fatal: true });
  const add = (bytes) => {
    try {
      const char = decoder.decode(Uint8Array.from(bytes));
      if ([...char].length === 1 && !table.has(char)) table.set(char, bytes);
    } catch {
      /* not a character in this charset */
    }
  };
  if (charset === 'gbk') for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) add([a, b]);
  return (text) => {
    const out = [];
    for (const char of text) {
      if (char.charCodeAt(0) < 0x80) out.push(char.charCodeAt(0));
      else if (table.has(char)) out.push(...table.get(char));
      else throw new Error(`${JSON.stringify(char)} is not in ${charset}`);
    }
    return Uint8Array.from(out);
  };
}

const SHOP_1252 = ({ meta }) => `<!DOCTYPE html>
<html lang="fr">
<head>
${meta}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Caf\u00e9 & Cr\u00e8me \u2013 Boutique en ligne</title>
<meta name="description" content="Caf\u00e9s torr\u00e9fi\u00e9s \u00e0 Besan\u00e7on \u2014 livraison offerte d\u00e8s 30 \u20ac">
<link rel="stylesheet" href="/static/site.css?v=2019">
<script>var _gaq = _gaq || []; /* \u201canalytics\u201d placeholder */</script>
</head>
<body class="home">
<header><a href="/">Caf\u00e9 & Cr\u00e8me</a> <nav><a href="/boutique">Boutique</a> \u2022 <a href="/\u00e0-propos">\u00c0 propos</a></nav></header>
<main>
<section class="hero" data-wm-slot="hero"><h1>Nos caf\u00e9s de la semaine</h1><p>Moka d\u2019\u00c9thiopie, 12,50 \u20ac les 250 g \u2026</p></section>
<article><h2>L\u2019atelier</h2><p>Torr\u00e9faction artisanale depuis 1987. Na\u00efvet\u00e9, go\u00fbt et \u00e9l\u00e9gance\u00a0: \u00ab\u00a0le caf\u00e9 comme autrefois\u00a0\u00bb.</p></article>
<aside data-wm-slot="category-promo"><p>Promo\u00a0: \u2013 10\u00a0% avec le code \u00c9T\u00c9</p></aside>
</main>
<footer><p>\u00a9 2009\u20132026 Caf\u00e9 & Cr\u00e8me SARL \u2122 \u2014 Tous droits r\u00e9serv\u00e9s.</p></footer>
</body>
</html>
`;

const NEWS_GBK = ({ meta }) => `<!DOCTYPE html>
<html lang="zh-CN">
<head>
${meta}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>\u5929\u6c14\u65b0\u95fb\u7f51 \u2014 \u4eca\u65e5\u5934\u6761</title>
<meta name="keywords" content="\u65b0\u95fb,\u5929\u6c14,\u4f53\u80b2">
<link rel="stylesheet" href="/css/main.css">
</head>
<body>
<div id="top"><a href="/">\u9996\u9875</a> | <a href="/sports">\u4f53\u80b2</a> | <a href="/weather">\u5929\u6c14\u9884\u62a5</a></div>
<div class="main">
<div class="banner" data-wm-slot="hero"><h1>\u4eca\u65e5\u5934\u6761\uff1a\u5317\u4eac\u6674\uff0c\u6c14\u6e29\u4e8c\u5341\u5ea6</h1></div>
<ul class="list"><li>\u4e0a\u6d77\u5c06\u8fce\u6765\u964d\u96e8\u3002</li><li>\u5e7f\u5dde\u9a6c\u62c9\u677e\u4e0b\u5468\u5f00\u8dd1\u3002</li><li>\u201c\u4e2d\u6587\u201d\u4e0e\u201c\u82f1\u6587\u201d\u7248\u672c\u540c\u6b65\u66f4\u65b0\u3002</li></ul>
<div class="ad" data-wm-slot="category-promo"><p>\u5e7f\u544a\uff1a\u8ba2\u9605\u514d\u8d39\u4e09\u4e2a\u6708</p></div>
</div>
<div id="foot">\u7248\u6743\u6240\u6709 (C) 2026 \u5929\u6c14\u65b0\u95fb\u7f51</div>
</body>
</html>
`;

const BASE_HREF = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<base href="https://elsewhere.example/">
<title>Trail notes \u2014 a blog hosted with its assets elsewhere</title>
<link rel="stylesheet" href="theme/style.css">
</head>
<body>
<nav><a href="posts/">Posts</a> <a href="about/">About</a></nav>
<section data-wm-slot="hero"><h1>Default hero</h1></section>
<p>Relative links and assets here resolve against https://elsewhere.example/, as the blog wants.</p>
</body>
</html>
`;

/** Every saved page, keyed by its path under e2e/fixtures/. */
export function realWorldPages() {
  const pages = new Map();
  for (const [charset, template] of [
    ['windows-1252', SHOP_1252],
    ['gbk', NEWS_GBK],
  ]) {
    const encode = encoder(charset);
    pages.set(`real-pages/${charset}.header.html`, encode(template({ meta: '' })));
    pages.set(`real-pages/${charset}.meta.html`, encode(template({ meta: `<meta charset="${charset}">\n` })));
    pages.set(`real-pages/${charset}.none.html`, encode(template({ meta: '' })));
  }
  pages.set('real-pages/base-href.html', new TextEncoder().encode(BASE_HREF));
  return pages;
}
