// The demo shop's catalogue: categories, products and their drawings. Pages are built from this
// by layout.mjs and pages.mjs; nothing here knows about HTML beyond the SVG art.

export const CATEGORIES = {
  running: {
    name: 'Running',
    eyebrow: 'Run further',
    intro: 'Shoes for roads and trails, tested by our staff on the local loop.',
    tileMeta: 'Road and trail shoes',
    tileArt: 'ridgeline-trail-runner',
  },
  hiking: {
    name: 'Hiking',
    eyebrow: 'Head for the hills',
    intro: 'Packs and shells for day hikes and long weekends in the hills.',
    tileMeta: 'Packs and shells',
    tileArt: 'summit-30-daypack',
  },
};

/** A shoe in its colours; `tread` is the sole's lug colour, or none (a smooth road sole). */
const shoe = ({ background, upper, sole, tread, accent }) => `  <rect width="320" height="220" fill="${background}"/>
  <ellipse cx="166" cy="182" rx="128" ry="9" fill="#000" fill-opacity=".08"/>
  <path d="M48 150 C46 118 64 100 92 102 L140 108 C152 84 176 72 204 80 L226 112 C256 118 282 130 286 152 Z" fill="${upper}"/>
  <path d="M40 150 H286 a8 8 0 0 1 0 16 H54 a14 14 0 0 1 -14 -14 Z" fill="${sole}"/>
  ${tread ? `<path d="M62 166 v8 M92 166 v8 M122 166 v8 M152 166 v8 M182 166 v8 M212 166 v8 M242 166 v8 M272 166 v8" stroke="${tread}" stroke-width="10"/>` : ''}
  <path d="M150 106 l14 -18 M166 110 l14 -18 M182 114 l14 -18" stroke="#fff" stroke-width="5" stroke-linecap="round"/>
  <path d="M62 140 C120 130 200 132 280 146" stroke="${accent}" stroke-width="6" fill="none" stroke-linecap="round"/>
  <circle cx="236" cy="126" r="6" fill="${accent}"/>
`;

const DAYPACK = `  <rect width="320" height="220" fill="#ecefe6"/>
  <ellipse cx="160" cy="198" rx="82" ry="8" fill="#000" fill-opacity=".08"/>
  <path d="M128 54 a32 26 0 0 1 64 0" stroke="#3c5424" stroke-width="9" fill="none"/>
  <rect x="100" y="48" width="120" height="148" rx="32" fill="#5e7f3a"/>
  <path d="M100 92 H220" stroke="#3c5424" stroke-width="6" stroke-opacity=".45"/>
  <rect x="118" y="118" width="84" height="60" rx="14" fill="#3c5424"/>
  <rect x="150" y="126" width="20" height="6" rx="3" fill="#ffd9b8"/>
  <rect x="86" y="104" width="14" height="64" rx="7" fill="#3c5424"/>
  <rect x="220" y="104" width="14" height="64" rx="7" fill="#3c5424"/>
`;

const SHELL = `  <rect width="320" height="220" fill="#e7edf3"/>
  <ellipse cx="160" cy="202" rx="70" ry="7" fill="#000" fill-opacity=".08"/>
  <path d="M130 38 L160 50 L190 38 L232 56 L262 148 L236 156 L218 104 L218 192 L102 192 L102 104 L84 156 L58 148 L88 56 Z" fill="#2c5d8a"/>
  <path d="M160 52 V192" stroke="#1c3d5c" stroke-width="4"/>
  <path d="M130 38 L160 70 L190 38" fill="none" stroke="#1c3d5c" stroke-width="6" stroke-linejoin="round"/>
  <rect x="116" y="132" width="30" height="6" rx="3" fill="#f0a36f"/>
  <rect x="174" y="132" width="30" height="6" rx="3" fill="#f0a36f"/>
`;

/** In the order the home page features them; `kind` follows the category in the card's meta line. */
export const PRODUCTS = [
  {
    slug: 'ridgeline-trail-runner',
    sku: 'WM-TR-01',
    name: 'Ridgeline Trail Runner',
    category: 'running',
    kind: 'Trail',
    badge: 'New',
    price: 139,
    blurb: 'Grippy 5 mm lugs, a rock plate and a roomy toe box for long days on technical trails.',
    specs: ['Weight 290 g (US 9)', '6 mm drop, 32 mm stack', 'Recycled mesh upper', 'Sticky rubber outsole with 5 mm lugs'],
    artLabel: 'Ridgeline Trail Runner shoe',
    art: shoe({ background: '#e8f1ec', upper: '#2f6f4f', sole: '#1c3b2b', tread: '#1c3b2b', accent: '#d9622b' }),
  },
  {
    slug: 'tempo-road-racer',
    sku: 'WM-RR-02',
    name: 'Tempo Road Racer',
    category: 'running',
    kind: 'Road',
    price: 119,
    blurb: 'A light, springy daily trainer for tempo runs and race day on the road.',
    specs: ['Weight 235 g (US 9)', '8 mm drop, 36 mm stack', 'Nitrogen-infused foam', 'Reflective heel tab'],
    artLabel: 'Tempo Road Racer shoe',
    art: shoe({ background: '#fdeee6', upper: '#d9622b', sole: '#f5f2ec', accent: '#1d2a24' }),
  },
  {
    slug: 'summit-30-daypack',
    sku: 'WM-SP-30',
    name: 'Summit 30 L Daypack',
    category: 'hiking',
    kind: 'Packs',
    badge: 'Best seller',
    price: 89,
    blurb: 'Thirty litres, a ventilated back panel and a lid pocket that actually fits a map.',
    specs: ['30 L, 1.1 kg', 'Hydration sleeve (3 L)', 'Ventilated mesh back panel', 'Rain cover in the base pocket'],
    artLabel: 'Summit 30 L Daypack',
    art: DAYPACK,
  },
  {
    slug: 'stormline-shell',
    sku: 'WM-SS-04',
    name: 'Stormline Shell Jacket',
    category: 'hiking',
    kind: 'Jackets',
    price: 179,
    blurb: 'A 3-layer waterproof shell that packs into its own chest pocket.',
    specs: ['20k mm waterproof, 15k g breathability', 'Helmet-compatible hood', 'Pit zips', 'Packs into its chest pocket'],
    artLabel: 'Stormline Shell Jacket',
    art: SHELL,
  },
];

export const product = (slug) => {
  const found = PRODUCTS.find((p) => p.slug === slug);
  if (!found) throw new Error(`no product ${slug}`);
  return found;
};
