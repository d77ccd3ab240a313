/**
 * Imported first by main.tsx. The dashboard shares pure edge code that defines zod schemas
 * (the sanitizer's URL rule); zod probes `new Function` when an object schema is built, which the
 * dashboard's CSP (no unsafe-eval) reports as a violation. Jitless mode skips the probe and the
 * compiled fast path the dashboard does not need.
 */
import { config } from 'zod';

config({ jitless: true });
