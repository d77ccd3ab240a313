// Every e2e fixture page (e2e/fixtures/*.html), from the demo shop's <head> (e2e/demo-pages/layout.mjs)
// and each fixture's own <main>. Keys are file names under e2e/fixtures/.
import { head } from '../demo-pages/layout.mjs';

// Strict: only the stub's inline script (by hash) may run, no eval, no inline styles.
const STRICT_CSP = `  <!-- Strict: no inline script but the stub (by hash), no eval, no inline styles at all. -->
  <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'sha256-pdY47g58JBAq/uW/XfG3+qxSkYVl3kIiLs0G5o9kCqk='; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'">
`;

/**
 * A whole fixture page. `csp` puts the strict Content-Security-Policy first in <head>; `html` adds
 * attributes to <html>; `tag` to the Waymark script tag; `main` is the content of <main>, indented
 * four spaces, ending in a newline.
 */
function fixture({ title, csp = false, html = '', tag = '', main }) {
  return `<!doctype html>
<html lang="en"${html}>
${head({ title: `Fixture: ${title}`, tag, script: '/fixtures/fixture.js', before: csp ? STRICT_CSP : '' })}<body>
  <main>
${main}  </main>
</body>
</html>
`;
}

const DEFAULT_HERO = `    <section class="hero small" data-wm-slot="hero">
      <h1 data-fixture-default>Default hero</h1>
    </section>
`;
const DEFAULT_PROMO = `    <aside class="panel" data-wm-slot="category-promo">
      <p data-fixture-default>Default promo</p>
    </aside>
`;
// Reached only by a decision's selector, and a mount point for a single-page-app view.
const BANNER_AND_SPA = `    <p class="panel fixture-banner">Default banner (no data-wm-slot: only a decision's selector reaches it)</p>
    <div data-fixture-spa></div>
`;
const ADD_TO_CART = `<button class="btn" id="add" data-wm-track="add_to_cart">Add to cart</button>`;

// The product and help panels of messages.html.
const PANELS = [
  ['Ridgeline Trail Runner', 'Grippy outsole, rock plate, 8 mm drop.'],
  ['Tempo Road Racer', 'Light, fast, a carbon-free plate for daily tempo work.'],
  ['Summit 30 Daypack', 'Thirty litres, hip belt, rain cover.'],
  ['Stormline Shell', 'Three-layer shell that packs into its own pocket.'],
  ['Care guide', 'Rinse after muddy runs; air-dry away from heat.'],
  ['Sizing', 'Half a size up for long runs.'],
  ['Returns', 'Sixty days, worn or not.'],
  ['Shipping', 'Free over 50.'],
  ['Stores', 'Three, all near trails.'],
  ['Journal', 'Route reports from the team.'],
  ['About', 'Runners since 2009.'],
  ['Contact', 'hello@waymark.example'],
];

// The checkout form's fields: [id, label, attributes of the input].
const CHECKOUT_FIELDS = [
  ['f-name', 'Name', 'name="full_name" autocomplete="name"'],
  ['f-email', 'Email', 'type="email" name="email" autocomplete="email"'],
  ['f-plan', 'Plan', undefined],
  ['f-pass', 'Password', 'type="password" name="account_password" autocomplete="new-password"'],
  ['f-card', 'Card number', 'name="card_number" inputmode="numeric" autocomplete="cc-number"'],
  ['f-exp', 'Expiry', 'name="card_expiry" autocomplete="cc-exp"'],
  ['f-cvc', 'CVC', 'name="card_cvc" inputmode="numeric" autocomplete="cc-csc"'],
];

const checkoutField = ([id, label, attributes]) =>
  attributes === undefined
    ? `      <div class="field"><label for="${id}">${label}</label>
        <select id="${id}" name="plan"><option value="basic">Basic</option><option value="pro">Pro</option></select></div>\n`
    : `      <div class="field"><label for="${id}">${label}</label><input id="${id}" ${attributes}></div>\n`;

// Every element a slot must never fill (protocol/content/targets.ts), each a target twice over:
// class "t" (reached by selectors) and data-wm-slot="js". No Waymark tag: proxy mode injects its
// own, e2e/safe-targets.spec.ts adds one in snippet mode. #ok is the one ordinary slot.
const T = 'class="t" data-wm-slot="js"';
const SAFE_TARGETS = `<!doctype html>
<html lang="en" ${T}>
<head ${T}>
  <meta charset="utf-8">
  <title ${T}>Fixture: safe targets</title>
  <style ${T}>.t { outline: 0 }</style>
  <script ${T}>window.__ran = (window.__ran || 0) + 1</script>
  <noscript ${T}><p ${T}>no script</p></noscript>
  <template ${T}><div ${T}>in a template in head</div></template>
  <meta ${T} name="x" content="y">
</head>
<body ${T}>
  <div id="ok" data-wm-slot="ok">Default ok</div>
  <script ${T}>window.__ran = (window.__ran || 0) + 1</script>
  <style ${T}>.t { outline: 0 }</style>
  <textarea ${T}>raw text</textarea>
  <title ${T}>a title in body</title>
  <noscript ${T}><div ${T}>noscript</div></noscript>
  <template ${T}><div ${T}>template</div></template>
  <iframe ${T} title="empty"></iframe>
  <object ${T} data="/fixtures/none.bin" type="application/x-none"><div ${T}>object fallback</div></object>
  <embed ${T} src="/fixtures/none.bin" type="application/x-none">
  <xmp ${T}>xmp</xmp>
  <noembed ${T}>noembed</noembed>
  <noframes ${T}>noframes</noframes>
  <svg ${T} width="10" height="10"><script ${T}>window.__ran = (window.__ran || 0) + 1</script><style ${T}>circle { fill: red }</style><foreignObject ${T} width="10" height="10"><div ${T}>html in svg</div></foreignObject><text ${T}>svg text</text></svg>
  <math ${T}><mi ${T}>x</mi><annotation-xml ${T} encoding="text/html"><div ${T}>html in math</div></annotation-xml></math>
  <plaintext ${T}>everything after this is text: <div ${T}>not an element</div>
`;

/** Every fixture page, keyed by its file name under e2e/fixtures/. */
export function fixturePages() {
  return new Map([
    [
      'forms.html',
      fixture({
        title: 'forms',
        main: `    <h1>Checkout form</h1>
    <p>A form with fields the snippet must never capture: a password, hidden inputs and card
      details (recognised by <code>autocomplete="cc-*"</code>).</p>
    <form data-wm-form="checkout" data-fixture-prevent autocomplete="on">
${CHECKOUT_FIELDS.map(checkoutField).join('')}      <input type="hidden" name="csrf_token" value="csrf-8c1d5e0b44a7">
      <button class="btn" type="submit">Pay now</button>
      <p class="status" data-fixture-status role="status"></p>
    </form>
`,
      }),
    ],
    [
      'messages-csp.html',
      fixture({
        title: 'in-app messages under a strict CSP',
        csp: true,
        main: `    <section class="hero small"><h1>Strict CSP</h1></section>
    <p>${ADD_TO_CART}</p>
    <div id="inline-here"></div>
`,
      }),
    ],
    [
      'messages.html',
      fixture({
        title: 'in-app messages (snippet mode)',
        main: `    <!-- wm-ui.js draws messages over this page, or (inline) into #inline-here. -->
    <section class="hero small">
      <h1>Waymark Outfitters</h1>
      <p>Trail and road gear, picked for how you run.</p>
    </section>
    <p>
      ${ADD_TO_CART}
      <button class="btn secondary" id="before" data-wm-track="open_modal">Open the offer</button>
    </p>
    <div id="inline-here"></div>
    <!-- Tall, so that scroll triggers have a distance to travel. -->
${PANELS.map(([title, text]) => `    <section class="panel"><h2>${title}</h2><p>${text}</p></section>\n`).join('')}`,
      }),
    ],
    [
      'opt-in.html',
      fixture({
        title: 'opt-in consent',
        tag: ' data-consent="opt-in"',
        main: `    <h1>Opt-in consent</h1>
    <p>The tag has <code>data-consent="opt-in"</code>: nothing may be stored or sent until the visitor
      decides. Events captured while the decision is pending are sent once it is granted and dropped
      when it is denied.</p>
    <p><button type="button" class="btn" data-wm-track="optin_cta" data-wm-props='{"step":"pending"}'>Track me</button></p>
    <p><a href="/fixtures/opt-in.html?page=2">Another page with the same tag</a></p>
`,
      }),
    ],
    ['safe-targets.html', SAFE_TARGETS],
    ['slots-csp.html', fixture({ title: 'slots under a strict CSP', csp: true, main: DEFAULT_HERO + DEFAULT_PROMO })],
    [
      'slots-proxied.html',
      fixture({
        title: 'slots the worker already filled (proxy mode)',
        html: ' data-wm-proxied',
        main: `    <!-- As the worker serves it in proxy mode: the hero already holds its decision. -->
    <section class="hero small" data-wm-slot="hero" data-wm-filled="trail">
      <h2>Trail runners, from the worker</h2>
    </section>
${DEFAULT_PROMO}${BANNER_AND_SPA}`,
      }),
    ],
    [
      'slots.html',
      fixture({
        title: 'slots (snippet mode)',
        main: `    <!-- Snippet mode: the page is not proxied, so wm.js loads wm-ui.js, which fills these. -->
${DEFAULT_HERO}${DEFAULT_PROMO}${BANNER_AND_SPA}`,
      }),
    ],
  ]);
}
