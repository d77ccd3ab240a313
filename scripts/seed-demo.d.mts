// Types for scripts/seed-demo.mjs, imported by the TypeScript Playwright setup (e2e/global-setup.ts).
export function waitForHealth(base: string, timeoutMs?: number): Promise<void>;
export function seedDemo(base: string, options?: { timeoutMs?: number }): Promise<{ seeded: boolean; version: number }>;
