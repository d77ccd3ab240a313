/** The demo shop's site, written to KV on first use when WM_DEMO=1 (local development only). */
import type { SiteConfig } from '../config/site';

export const DEMO_SITE: SiteConfig = {
  id: 'demo',
  name: 'Waymark Outfitters (demo)',
  version: 1,
  // npm start (8787), the e2e server (8788), a spare port for side-by-side runs (8789).
  origins: [8787, 8788, 8789].flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]),
  consentPolicy: 'opt-out',
};
