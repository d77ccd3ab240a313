/**
 * The admin's Durable Objects by name: the one AdminStore, each site's SiteAdmin, each session's
 * AdminSession. Typed through Env's bindings, so the objects can call one another without importing
 * one another's modules.
 */

/** The one AdminStore instance (admin-store.ts). */
export const adminStore = (env: Env) => env.ADMIN.get(env.ADMIN.idFromName('admin'));

/** The site's SiteAdmin (site-admin.ts). */
export const siteAdmin = (env: Env, site: string) => env.SITE_ADMIN.get(env.SITE_ADMIN.idFromName(site));

/** The session's AdminSession (session-object.ts), named by the SHA-256 of its id (sessions.ts). */
export const sessionObject = (env: Env, idHash: string) => env.SESSIONS.get(env.SESSIONS.idFromName(idHash));
