/**
 * Resolves the caller's visitor into `c.var.visitor`: the id inside the first valid signed token
 * they presented (identity/token.ts), or null. A forged, foreign or malformed token is no visitor;
 * whether that is an error is the route's call (401 for /me, a fresh profile for a batch).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { verifyVisitorToken } from '../../identity/token';
import { visitorSecret } from '../site-context';
import { bearerToken, readVisitorCookie } from '../visitor-cookie';
import type { AppVariables, EnvWith } from '../app-env';

type VisitorEnv<Needs extends keyof AppVariables> = EnvWith<Needs | 'site' | 'visitor'>;

function visitorFrom<Needs extends keyof AppVariables = never>(tokens: (c: Context<VisitorEnv<Needs>>) => (string | undefined)[]) {
  return createMiddleware<VisitorEnv<Needs>>(async (c, next) => {
    const presented = tokens(c).filter((token) => token !== undefined && token !== '');
    let id: string | null = null;
    for (const token of presented) {
      id = await verifyVisitorToken(visitorSecret(c.env), c.var.site.id, token);
      if (id) break;
    }
    c.set('visitor', { id, presentedToken: presented.length > 0 });
    await next();
  });
}

/** Bearer (a page without the cookie) or the cookie: only the first one present is tried. */
export const tokenVisitor = visitorFrom((c) => [bearerToken(c) ?? readVisitorCookie(c)]);

/** A batch: the cookie wins over the payload token; a bad cookie falls back to the payload's. */
export const batchVisitor = visitorFrom<'batch'>((c) => [readVisitorCookie(c), c.var.batch.vid]);
