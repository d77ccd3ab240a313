/** Answers from /_wm are about one visitor: no shared cache may keep them. */
import { createMiddleware } from 'hono/factory';

export function cacheControl(value: 'no-store' | 'private, no-store') {
  return createMiddleware(async (c, next) => {
    c.header('Cache-Control', value);
    await next();
  });
}

/**
 * For a whole prefix: an answer that names no Cache-Control of its own (a 404, a 400 raised before
 * the route's own cacheControl ran, a health check) gets `no-store`, so no shared cache ever keeps
 * an API answer by heuristics. An answer that says something is left as its route said it.
 */
export const noSharedCaching = createMiddleware(async (c, next) => {
  await next();
  if (c.res.headers.has('cache-control')) return;
  // A fresh Response: the one we got may have immutable headers (Hono's setter copies them over).
  c.res = new Response(c.res.body, c.res);
  c.res.headers.set('cache-control', 'no-store');
});
