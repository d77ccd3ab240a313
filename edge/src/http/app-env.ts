/**
 * The Hono env of the edge app: its bindings, and the values the middleware under http/middleware/
 * put in `c.var` before a route's handler runs (each middleware declares the ones it sets).
 */
import type { Context, HonoRequest } from 'hono';
import type { SiteConfig } from '../../../protocol/config/site';
import type { RequestConsent } from '../consent/policy';
import type { ParsedBatch } from '../ingest/batch';

/** Who the caller is: the id inside the first valid token they presented, null without one. */
export type ResolvedVisitor = { id: string | null; presentedToken: boolean };

export type AppVariables = {
  /** The parsed POST /_wm/e body (middleware/batch.ts). */
  batch: ParsedBatch;
  /** The site the request is for (middleware/site.ts). */
  site: SiteConfig;
  /** Storage and personalization consent, decided once (middleware/consent.ts). */
  consent: RequestConsent;
  /** The caller's visitor id from their token (middleware/visitor.ts). */
  visitor: ResolvedVisitor;
};

/** Variables are optional here: a handler sees them as set only through the middleware it runs after. */
export type AppEnv = { Bindings: Env; Variables: Partial<AppVariables> };
export type AppContext = Context<AppEnv>;

/** The env of a middleware that sets (or reads) the named variables. */
export type EnvWith<K extends keyof AppVariables> = { Bindings: Env; Variables: Pick<AppVariables, K> };

/** What code outside a middleware reads of a request: any route's context fits, whatever its variables. */
export type RequestScope<Needs extends keyof AppVariables = never> = {
  env: Env;
  req: Pick<HonoRequest, 'header' | 'query' | 'raw' | 'url'>;
  var: Readonly<Pick<AppVariables, Needs>>;
};
