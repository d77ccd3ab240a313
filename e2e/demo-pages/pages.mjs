// Every page of the demo shop, from the layout and the catalogue. Keys are paths under e2e/demo/.
import { CATEGORIES, PRODUCTS, product } from './catalogue.mjs';
import { art, grid, kindLine, page } from './layout.mjs';

const HOME_HERO = `    <section class="hero" data-wm-slot="hero">
      <div>
        <p class="eyebrow">Spring collection</p>
        <h1>Gear for the long way round</h1>
        <p>Trail shoes, road racers, packs and shells, picked by people who use them every weekend.</p>
        <p>
          <a class="btn light" href="/category/running" data-wm-track="hero_click" data-wm-props='{"target":"running"}'>Shop running</a>
          <a class="btn ember" href="/category/hiking" data-wm-track="hero_click" data-wm-props='{"target":"hiking"}'>Shop hiking</a>
        </p>
        <p><a class="jump" href="#newsletter">Get 10% off your first order ↓</a></p>
      </div>
      <svg viewBox="0 0 400 260" aria-hidden="true" focusable="false">
  <circle cx="300" cy="70" r="36" fill="#ffd9b8"/>
  <path d="M0 260 L110 110 L170 180 L240 80 L400 260 Z" fill="#1f4d37"/>
  <path d="M240 80 L270 122 L254 116 L240 130 L224 112 Z" fill="#f4f8f5"/>
  <path d="M110 110 L128 134 L116 130 L106 140 L96 128 Z" fill="#f4f8f5"/>
  <path d="M0 260 C80 220 160 240 220 220 S340 200 400 230 V260 Z" fill="#173a29"/>
  <path d="M40 256 C110 236 150 238 210 216 S300 196 330 200" stroke="#d9622b" stroke-width="4" stroke-dasharray="9 9" fill="none" stroke-linecap="round"/>
</svg>
    </section>
`;

const HOME_FORMS = `    <div class="two-col">
      <section class="panel" aria-labelledby="prefs-title">
        <h2 id="prefs-title">What are you training for?</h2>
        <p class="hint">Tell us and we will show you the gear that fits. You can change it any time.</p>
        <div class="field">
          <label for="pref-sport">I am training for</label>
          <select id="pref-sport" name="sport" data-wm-pref="sport">
            <option value="">Choose one…</option>
            <option value="road">Road running</option>
            <option value="trail">Trail running</option>
            <option value="hiking">Hiking and backpacking</option>
            <option value="ultra">An ultra</option>
          </select>
        </div>
      </section>

      <section class="panel" id="newsletter" aria-labelledby="newsletter-title">
        <h2 id="newsletter-title">Join the newsletter</h2>
        <p class="hint">Trail reports and 10% off your first order. Optionally create an account.</p>
        <form data-wm-form="newsletter" data-demo-form action="/" method="post" autocomplete="on">
          <div class="field">
            <label for="nl-email">Email</label>
            <input id="nl-email" type="email" name="email" autocomplete="email" required placeholder="you@example.com">
          </div>
          <div class="field">
            <label for="nl-password">Account password (optional)</label>
            <input id="nl-password" type="password" name="password" autocomplete="new-password">
          </div>
          <input type="hidden" name="promo_token" value="promo-9f3c1a77e2">
          <button class="btn" type="submit">Subscribe</button>
          <p class="status" data-form-status role="status" aria-live="polite"></p>
        </form>
      </section>
    </div>
`;

const tile = (slug) => {
  const category = CATEGORIES[slug];
  const label = `<span><span class="eyebrow">${category.eyebrow}</span><strong>${category.name}</strong><span class="meta">${category.tileMeta}</span></span>`;
  return `      <a class="tile" href="/category/${slug}">${label}${art(product(category.tileArt), 'aria-hidden="true" focusable="false"')}</a>\n`;
};

const home = page({
  title: 'Waymark Outfitters · Running and hiking gear',
  description: 'Running shoes, packs and shells for roads, trails and hills.',
  active: '/',
  main:
    HOME_HERO +
    '\n    <section class="tiles" aria-label="Categories">\n' +
    Object.keys(CATEGORIES).map(tile).join('') +
    '    </section>\n\n' +
    '    <div class="section-head"><h2>Featured gear</h2><a href="/category/running">See all</a></div>\n' +
    grid('Featured products', PRODUCTS) +
    '\n' +
    HOME_FORMS,
});

const categoryPage = (slug) => {
  const category = CATEGORIES[slug];
  const own = PRODUCTS.filter((p) => p.category === slug);
  const others = PRODUCTS.filter((p) => p.category !== slug);
  return page({
    title: `${category.name} · Waymark Outfitters`,
    description: category.intro,
    active: `/category/${slug}`,
    main: `    <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> / ${category.name}</nav>
    <section class="hero small" data-wm-slot="hero">
      <div>
        <p class="eyebrow">${category.eyebrow}</p>
        <h1>${category.name}</h1>
        <p>${category.intro}</p>
      </div>
    </section>

    <div class="section-head"><h2>${own.length} products</h2></div>
${grid(`${category.name} products`, own)}
    <aside class="panel" data-wm-slot="category-promo">
      <h2>Free returns for 60 days</h2>
      <p class="hint">Take it for a run. If it does not fit your stride, send it back.</p>
    </aside>

    <div class="section-head"><h2>You might also like</h2></div>
${grid('Other products', others)}`,
  });
};

const productPage = (p) => {
  const category = CATEGORIES[p.category];
  const addProps = JSON.stringify({ sku: p.sku, price: p.price, category: p.category });
  return page({
    title: `${p.name} · Waymark Outfitters`,
    description: p.blurb,
    active: `/category/${p.category}`,
    main: `    <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> / <a href="/category/${p.category}">${category.name}</a> / ${p.name}</nav>
    <article class="product" data-sku="${p.sku}">
      <div class="media">${art(p, 'role="img"')}</div>
      <div>
        <p class="eyebrow">${kindLine(p)}</p>
        <h1>${p.name}</h1>
        <p class="meta">★★★★☆ 4.6 · 128 reviews</p>
        <p class="price">$${p.price}.00</p>
        <p>${p.blurb}</p>
        <ul>
${p.specs.map((s) => `          <li>${s}</li>\n`).join('')}        </ul>
        <div class="buy-row">
          <button type="button" class="btn" data-add-to-cart data-sku="${p.sku}" data-name="${p.name}" data-price="${p.price}" data-wm-track="add_to_cart" data-wm-props='${addProps}'>Add to cart</button>
          <button type="button" class="btn secondary" data-wm-track="wishlist_add" data-wm-props='{"sku":"${p.sku}"}'>Save to wishlist</button>
          <a href="/cart">View cart</a>
        </div>
        <p class="status" data-cart-status role="status" aria-live="polite"></p>
      </div>
    </article>
`,
  });
};

const cart = page({
  title: 'Your cart · Waymark Outfitters',
  description: 'The items in your cart.',
  active: '/cart',
  main: `    <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> / Cart</nav>
    <h1>Your cart</h1>
    <section class="panel">
      <p class="empty" data-cart-empty>Your cart is empty. <a href="/category/running">Find some shoes</a>.</p>
      <table class="cart-table" data-cart-table hidden>
        <thead><tr><th>Item</th><th>SKU</th><th class="num">Qty</th><th class="num">Price</th><th class="num"><span class="meta">Actions</span></th></tr></thead>
        <tbody data-cart-items></tbody>
      </table>
      <div class="cart-total"><span>Total <strong data-cart-total>$0.00</strong></span><button type="button" class="btn" data-checkout data-wm-track="checkout_start">Checkout</button></div>
      <p class="status" data-cart-status role="status" aria-live="polite"></p>
    </section>
`,
});

const tripPlanner = page({
  title: 'Overview · Trip planner · Waymark Outfitters',
  description: 'Plan a trip and its gear list (a single-page app using the History API).',
  active: '/spa',
  main: `    <h1>Trip planner</h1>
    <p class="hint">A single-page app: views change with <code>history.pushState</code>; sorting and saving use <code>replaceState</code>.</p>
    <nav class="tabs" aria-label="Planner">
      <a class="btn secondary" href="/spa" data-route="/spa">Overview</a>
      <a class="btn secondary" href="/spa/gear" data-route="/spa/gear">Gear list</a>
      <a class="btn secondary" href="/spa/checkout" data-route="/spa/checkout">Review</a>
    </nav>
    <section class="panel view" data-view="/spa" data-title="Overview">
      <h2>Overview</h2>
      <p>Three days on the Ridgeline loop, 54 km and 2,900 m of climbing.</p>
    </section>
    <section class="panel view" data-view="/spa/gear" data-title="Gear list" hidden>
      <h2>Gear list</h2>
      <div class="inline-form">
        <div><label for="sort">Sort by</label>
          <select id="sort" data-sort><option value="name">Name</option><option value="price">Price</option><option value="weight">Weight</option></select></div>
        <button type="button" class="btn secondary" data-save-draft>Save draft</button>
      </div>
      <p class="status" data-draft-status role="status"></p>
      <ul><li>Ridgeline Trail Runner</li><li>Summit 30 L Daypack</li><li>Stormline Shell Jacket</li></ul>
    </section>
    <section class="panel view" data-view="/spa/checkout" data-title="Review" hidden>
      <h2>Review</h2>
      <p>Everything packed. Have a good trip.</p>
    </section>
`,
});

const trailGuide = page({
  title: 'Trail guide · Waymark Outfitters',
  description: 'Trail notes (a single-page app using a hash router).',
  active: '/hash',
  tag: ' data-spa="hash"',
  main: `    <h1>Trail guide</h1>
    <p class="hint">A hash-routed app: views live at <code>#/…</code>. The tag has <code>data-spa="hash"</code>, so each route is a page view.</p>
    <nav class="tabs" aria-label="Trail guide">
      <a class="btn secondary" href="#/" data-hash-link>All trails</a>
      <a class="btn secondary" href="#/ridgeline" data-hash-link>Ridgeline loop</a>
      <a class="btn secondary" href="#/lakes" data-hash-link>Three lakes</a>
    </nav>
    <section class="panel view" data-hash-view="/">
      <h2>All trails</h2>
      <p>Two favourites from the shop team, close to town.</p>
    </section>
    <section class="panel view" data-hash-view="/ridgeline" hidden>
      <h2>Ridgeline loop</h2>
      <p>18 km, 950 m up. Rocky on top: bring trail shoes with real lugs.</p>
    </section>
    <section class="panel view" data-hash-view="/lakes" hidden>
      <h2>Three lakes</h2>
      <p>11 km, gentle. Good for a first hike with a daypack.</p>
    </section>
`,
});

/** path under e2e/demo/ -> the page's HTML */
export function demoPages() {
  return new Map([
    ['index.html', home],
    ['cart.html', cart],
    ['spa.html', tripPlanner],
    ['hash.html', trailGuide],
    ...Object.keys(CATEGORIES).map((slug) => [`category/${slug}.html`, categoryPage(slug)]),
    ...PRODUCTS.map((p) => [`product/${p.slug}.html`, productPage(p)]),
  ]);
}
