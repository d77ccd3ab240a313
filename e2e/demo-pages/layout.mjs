// The one layout of the demo shop: <head> with the Waymark tag, the site header and footer, and
// the pieces pages share (product art and cards). The e2e fixtures (e2e/fixture-pages) use the
// same <head> with their own script.
import { CATEGORIES } from './catalogue.mjs';

const NAV = [
  ['/', 'Home'],
  ['/category/running', 'Running'],
  ['/category/hiking', 'Hiking'],
  ['/spa', 'Trip planner'],
  ['/hash', 'Trail guide'],
];

const LOGO =
  '<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><circle cx="16" cy="16" r="16" fill="#2f6f4f"/><path d="M5 24 L13 12 L17 18 L20 14 L27 24 Z" fill="#fff"/><path d="M20 14 V6 L25 8 L20 10" fill="#d9622b" stroke="#d9622b" stroke-width="1.2" stroke-linejoin="round"/></svg>';

const current = (href, active) => (href === active ? ' aria-current="page"' : '');

/**
 * The <head> of every demo page and e2e fixture: the Waymark stub and tag, the shop's stylesheet
 * and one deferred `script` of the page's own. `description` is optional (fixtures have none);
 * `before` goes first in <head> (a fixture's Content-Security-Policy); `tag` adds attributes to
 * the Waymark script tag.
 */
export function head({ title, description, tag = '', script, before = '' }) {
  const describe = description === undefined ? '' : `  <meta name="description" content="${description}">\n`;
  return `<head>
${before}  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
${describe}  <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/shop.css">
  <script>window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}</script>
  <script async src="/_wm/wm.js" data-site="demo"${tag}></script>
  <script defer src="${script}"></script>
</head>
`;
}

/**
 * A whole page. `active` is the header link marked as the current page (a nav path or '/cart');
 * `tag` adds attributes to the Waymark script tag; `main` is the page's own content, indented
 * four spaces, ending in a newline.
 */
export function page({ title, description, active, tag = '', main }) {
  const nav = NAV.map(([href, label]) => `        <a href="${href}"${current(href, active)}>${label}</a>\n`).join('');
  return `<!doctype html>
<html lang="en">
${head({ title, description, tag, script: '/assets/shop.js' })}<body>
  <header class="site-header">
    <div class="bar">
      <a class="logo" href="/">${LOGO}<span>Waymark Outfitters</span></a>
      <nav class="nav" aria-label="Main">
${nav}      </nav>
      <a class="cart-link" href="/cart"${current('/cart', active)}>Cart <span class="count" data-cart-count>0</span></a>
    </div>
  </header>
  <main>
${main}  </main>
  <footer class="site-footer">
    <div class="bar">
      <p>© 2026 Waymark Outfitters · a demo shop for the Waymark customer-journey layer. Nothing here is for sale.</p>
      <div class="privacy">
        <a href="/_wm/me?site=demo" data-your-data>Your data</a>
        <button type="button" class="btn link" data-erase data-site="demo">Erase my data</button>
        <span class="status" data-erase-status role="status" aria-live="polite"></span>
      </div>
    </div>
  </footer>
</body>
</html>
`;
}

/** A product's drawing; `attributes` says how it is exposed (decorative or an image). */
export const art = (product, attributes) => `<svg viewBox="0 0 320 220" ${attributes} aria-label="${product.artLabel}">\n${product.art}</svg>`;

/** "Running · Trail": the category, then the kind of product. */
export const kindLine = (product) => `${CATEGORIES[product.category].name} · ${product.kind}`;

/** A product card in a grid (home page and category pages). */
export const card = (product) => {
  const href = `/product/${product.slug}`;
  const badge = product.badge ? ` <span class="badge">${product.badge}</span>` : '';
  return `      <article class="card" data-sku="${product.sku}">
        <a class="cover" href="${href}" tabindex="-1" aria-hidden="true">${art(product, 'focusable="false"')}</a>
        <div class="body">
          <span class="meta">${kindLine(product)}${badge}</span>
          <h3><a href="${href}">${product.name}</a></h3>
          <p class="meta">${product.blurb}</p>
          <div class="price-row"><span class="price">$${product.price}</span><a class="btn secondary" href="${href}">View</a></div>
        </div>
      </article>
`;
};

/** A grid of product cards. */
export const grid = (label, products) => `    <section class="grid" aria-label="${label}">\n${products.map(card).join('')}    </section>\n`;
