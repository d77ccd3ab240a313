// Worker code inside workerd (the real runtime): routes, Durable Objects, KV.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
  test: {
    include: ['edge/test/**/*.test.ts'],
    // The demo site, seeded through AdminStore as `npm start` does (no request path seeds it).
    setupFiles: ['edge/test/setup-demo.ts'],
    // Under a loaded machine (CI, parallel runs) a beforeAll that seeds many visitors can pass 10 s.
    hookTimeout: 60_000,
  },
});
