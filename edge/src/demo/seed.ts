/** The demo shop's site, written by the development seed (seed-demo.ts) when WM_DEMO=1 (local development only). */
import type { SiteConfigInput } from '../../../protocol/config/site';

const heroFor = (eyebrow: string, title: string, text: string, href: string, cta: string) =>
  `<div><p class="eyebrow">${eyebrow}</p><h1>${title}</h1><p>${text}</p>` + `<p><a class="btn light" href="${href}">${cta}</a></p></div>`;

export const DEMO_SITE: SiteConfigInput = {
  id: 'demo',
  name: 'Waymark Outfitters (demo)',
  // Bump when this seed changes: the seed step (seed-demo.ts) replaces an older stored demo config.
  version: 9,
  // npm start (8787), the e2e server (8788), spare ports for side-by-side runs (8789-8795, WM_E2E_PORT).
  origins: [8787, 8788, 8789, 8790, 8791, 8792, 8793, 8794, 8795].flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]),
  consentPolicy: 'opt-out',
  // Proxy mode: the worker serves the shop's pages from its bundled files and personalizes them
  // on the way (zero flicker). Snippet mode is what any site not routed through the worker gets.
  proxy: { upstream: 'assets' },
  segments: [
    {
      id: 'trail-runners',
      name: 'Trail runners',
      description: 'Told us they train for trail races or ultras.',
      condition: { pref: 'sport', test: { op: 'in', value: ['trail', 'ultra'] } },
    },
    { id: 'road-runners', name: 'Road runners', condition: { pref: 'sport', test: { op: 'eq', value: 'road' } } },
    { id: 'hikers', name: 'Hikers', condition: { pref: 'sport', test: { op: 'eq', value: 'hiking' } } },
    {
      id: 'cart-abandoners',
      name: 'Left something in the cart',
      description: 'Added to cart in the last day and did not check out.',
      condition: { all: [{ event: 'add_to_cart', within: '1d' }, { not: { event: 'checkout_start', within: '1d' } }] },
    },
    {
      id: 'french-speakers',
      name: 'French speakers',
      description: 'Their browser asks for French first (or their locale trait is French): the demo hero greets them in French.',
      condition: { locale: { in: ['fr'] } },
    },
    {
      id: 'cart-left',
      name: 'Left the cart behind',
      description: 'Went idle for 30 minutes after adding to cart, without checking out: remind them on their next visit.',
      condition: { inactiveAfter: 'add_to_cart', minutes: 30, unless: 'checkout_start' },
    },
  ],
  messages: [
    {
      id: 'cart-reminder',
      name: 'Cart reminder',
      type: 'toast',
      segments: ['cart-left'],
      urlMatch: { op: 'path_eq', value: '/' },
      title: 'Your cart is waiting',
      body: 'The gear you picked is saved. Check out whenever you are ready.',
      cta: { text: 'View cart', href: '/cart' },
      locales: {
        fr: { title: 'Votre panier vous attend', body: 'Les articles choisis sont gardés. Finalisez quand vous voulez.', cta: { text: 'Voir le panier' } },
      },
      priority: 50,
      caps: { perDay: 2 },
      // A/B: which headline brings more visitors back to the cart (no holdout in the demo).
      variants: [
        { id: 'saved', weight: 50 },
        { id: 'nudge', weight: 50, title: 'Still thinking it over?', locales: { fr: { title: 'Vous hésitez encore ?' } } },
      ],
      goal: { event: 'checkout_start', withinHours: 24 },
    },
    {
      id: 'training-survey',
      name: 'What are you training for? (exit survey)',
      type: 'survey',
      trigger: { on: 'exit' },
      urlMatch: { op: 'path_prefix', value: '/product/' },
      title: 'Before you go',
      body: 'What are you training for? We will show you gear that fits.',
      survey: {
        pref: 'sport',
        options: [
          { value: 'road', label: 'Road running' },
          { value: 'trail', label: 'Trail running' },
          { value: 'hiking', label: 'Hiking' },
          { value: 'ultra', label: 'An ultra' },
        ],
      },
      locales: {
        fr: {
          title: 'Avant de partir',
          body: 'Pour quoi vous entraînez-vous ? Nous vous montrerons le matériel qui vous va.',
          options: { road: 'Course sur route', trail: 'Trail', hiking: 'Randonnée', ultra: 'Un ultra' },
          thanks: 'Merci pour votre réponse !',
        },
      },
      priority: 40,
      caps: { lifetime: 2 },
    },
  ],
  slots: [
    {
      id: 'hero',
      name: 'Home and category hero',
      variants: [
        {
          segment: 'trail-runners',
          priority: 30,
          content: {
            type: 'html',
            html: heroFor(
              'Picked for trail runners',
              'Dirt, roots and rock',
              'Grippy lugs and a rock plate for long days on technical trails.',
              '/product/ridgeline-trail-runner',
              'Meet the Ridgeline',
            ),
          },
          // The demo's second language (docs/localized-content.md): French for a French visitor.
          locales: {
            fr: {
              type: 'html',
              html: heroFor(
                'Choisi pour les traileurs',
                'Terre, racines et rochers',
                'Des crampons qui accrochent et une plaque anti-roches pour les longues sorties techniques.',
                '/product/ridgeline-trail-runner',
                'Découvrir la Ridgeline',
              ),
            },
          },
        },
        {
          segment: 'road-runners',
          priority: 20,
          content: {
            type: 'html',
            html: heroFor(
              'Picked for road runners',
              'Fast miles on tarmac',
              'A light, springy trainer for tempo runs and race day.',
              '/product/tempo-road-racer',
              'Meet the Tempo',
            ),
          },
          locales: {
            fr: {
              type: 'html',
              html: heroFor(
                'Choisi pour les coureurs sur route',
                'Des kilomètres rapides sur le bitume',
                'Une chaussure légère et dynamique pour le fractionné et le jour de la course.',
                '/product/tempo-road-racer',
                'Découvrir la Tempo',
              ),
            },
          },
        },
        {
          segment: 'hikers',
          priority: 10,
          content: {
            type: 'html',
            html: heroFor(
              'Picked for hikers',
              'Pack light, go far',
              'Thirty litres with a back panel that breathes on the climb.',
              '/product/summit-30-daypack',
              'Meet the Summit 30',
            ),
          },
          locales: {
            fr: {
              type: 'html',
              html: heroFor(
                'Choisi pour les randonneurs',
                'Voyagez léger, allez loin',
                'Trente litres et un dos ventilé pour la montée.',
                '/product/summit-30-daypack',
                'Découvrir le Summit 30',
              ),
            },
          },
        },
        {
          // A French visitor in none of the segments above: the home hero in French.
          segment: 'french-speakers',
          priority: 1,
          content: {
            type: 'html',
            html: heroFor(
              'Spring collection',
              'Gear for the long way round',
              'Trail shoes, road racers, packs and shells.',
              '/category/running',
              'Shop running',
            ),
          },
          locales: {
            fr: {
              type: 'html',
              html: heroFor(
                'Collection printemps',
                'Du matériel pour le long chemin',
                'Chaussures de trail, de route, sacs et vestes, choisis par des gens qui s’en servent chaque week-end.',
                '/category/running',
                'Voir la course à pied',
              ),
            },
          },
        },
      ],
    },
    {
      id: 'category-promo',
      name: 'Category side panel',
      variants: [
        {
          segment: 'cart-abandoners',
          priority: 10,
          content: { type: 'html', html: '<h3>Still thinking it over?</h3><p>Your cart is saved. <a href="/cart">Pick up where you left off</a>.</p>' },
          locales: {
            fr: { type: 'html', html: '<h3>Vous hésitez encore ?</h3><p>Votre panier est gardé. <a href="/cart">Reprenez là où vous en étiez</a>.</p>' },
          },
        },
      ],
    },
  ],
  // A cart-abandonment journey: 30 minutes after an add to cart without checkout, the cart reminder
  // may show and the (local) CRM hears about it; a purchase ends it at any step.
  journeys: [
    {
      id: 'cart-abandonment',
      name: 'Cart abandonment',
      enabled: true,
      entry: { event: 'add_to_cart' },
      reentry: 'after-exit',
      goal: { event: 'purchase' },
      steps: [
        { id: 'wait-checkout', kind: 'waitFor', event: 'checkout_start', timeoutMinutes: 30, onEvent: 'checked-out' },
        { id: 'remind', kind: 'message', message: 'cart-reminder' },
        { id: 'tell-crm', kind: 'webhook', webhook: 'demo-crm' },
        // E-mail (docs/email.md): sent if the visitor gave an address and e-mail consent (the newsletter form).
        { id: 'email-reminder', kind: 'email', template: 'cart-reminder' },
        { id: 'checked-out', kind: 'exit' },
      ],
    },
  ],
  // E-mail steps (docs/email.md): with the Cloudflare provider, the local demo delivers to its
  // mailbox page /_wm/demo/mailbox (email/mailbox.ts). The seed route points the unsubscribe links
  // at the seeded server (seed-demo.ts).
  email: {
    sender: { name: 'Waymark Outfitters', address: 'hello@outfitters.example.com' },
    provider: 'cloudflare',
    frequencyCap: { max: 3, days: 7 },
    // The newsletter form stores the address as a zero-party pref beside the consent (e2e/demo/assets/shop.js).
    addressField: { source: 'pref', key: 'email' },
    templates: [
      {
        id: 'cart-reminder',
        name: 'Cart reminder',
        subject: 'Your cart is waiting, {{ traits.first_name | default: "friend" }}',
        html:
          '<h1>Still thinking it over?</h1><p>Hi {{ traits.first_name | default: "there" }}, your cart at {{ site.name }} is saved.</p>' +
          '<p><a href="http://127.0.0.1:8787/cart">Pick up where you left off</a></p>' +
          '<p><small>You get this because you joined our newsletter. <a href="{{ unsubscribe_url }}">Unsubscribe</a>.</small></p>',
        text: 'Hi {{ traits.first_name | default: "there" }}, your cart at {{ site.name }} is saved.\n\nPick up where you left off: http://127.0.0.1:8787/cart\n\nUnsubscribe: {{ unsubscribe_url }}',
      },
    ],
  },
  // The demo's own receiver (webhooks/demo-sink.ts, only with WM_DEMO) on npm start's port (the
  // seed route moves it to the seeded server's port); it checks the signature with this secret. A local-demo secret, never for a deployment.
  webhooks: [
    {
      id: 'demo-crm',
      name: 'Demo CRM (local sink)',
      url: 'http://127.0.0.1:8787/_wm/demo/webhook-sink?webhook=demo-crm',
      format: 'crm',
      // whsec_ + base64 of the 35 bytes "waymark-demo-only-webhook-secret-01" (Standard Webhooks format).
      secret: 'whsec_d2F5bWFyay1kZW1vLW9ubHktd2ViaG9vay1zZWNyZXQtMDE=',
      enabled: true,
    },
  ],
  // Destinations (docs/destinations.md): GA4 pointed at the demo's GA4-shaped receiver
  // (destinations/demo-ga4.ts, WM_DEMO only; the seed route moves it to the seeded server's port).
  // Its API secret is set by seed-demo.ts in the site's SiteDestinations object, not here.
  destinations: [
    {
      id: 'demo-ga4',
      name: 'Google Analytics 4 (local demo receiver)',
      kind: 'ga4',
      enabled: true,
      settings: { measurementId: 'G-DEMO12345', region: 'global', demoEndpoint: 'http://127.0.0.1:8787/_wm/demo/ga4/mp/collect' },
      filters: { events: { include: ['page', 'add_to_cart', 'checkout_start', 'purchase'], exclude: [] }, consent: ['analytics'] },
    },
  ],
};
