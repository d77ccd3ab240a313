/** Addresses the visitor's Durable Object: one per (site, visitor id). */
export function visitorStub(env: Env, site: string, visitorId: string) {
  return env.VISITORS.get(env.VISITORS.idFromName(`${site}:${visitorId}`));
}
