// Worker tests start with the demo site in place, seeded as `npm start` seeds it: through
// AdminStore (edge/src/demo/seed-demo.ts). Runs before each test file (vitest setupFiles).
import { env } from 'cloudflare:test';
import { beforeAll } from 'vitest';
import { seedDemo } from '../src/demo/seed-demo';

beforeAll(async () => {
  await seedDemo(env);
});
