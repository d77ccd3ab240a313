// Pure logic in plain Node: no Worker globals, milliseconds per file.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The snippet's build-time flag (see snippet/src/globals.d.ts).
  define: { DEBUG: 'false' },
  test: {
    include: [
      'snippet/**/*.test.ts',
      'edge/src/**/*.test.ts',
      'protocol/**/*.test.ts',
      'bench/**/*.test.ts',
      'dashboard/src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'e2e/demo-pages/**/*.test.ts',
      'e2e/support/**/*.test.ts',
    ],
    environment: 'node',
  },
});
