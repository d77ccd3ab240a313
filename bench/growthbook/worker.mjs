// GrowthBook's edge app for Cloudflare, as its own example deploys it (node_modules/@growthbook/
// edge-cloudflare/example/index.ts): every request goes to `handleRequest`, configured only by the
// env vars bench/growthbook.mjs passes as bindings (PROXY_TARGET, GROWTHBOOK_API_HOST, ...).
import { handleRequest } from '@growthbook/edge-cloudflare';

export default {
  fetch: (request, env) => handleRequest(request, env),
};
