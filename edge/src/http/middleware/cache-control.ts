/** Answers from /_wm are about one visitor: no shared cache may keep them. */
import { createMiddleware } from 'hono/factory';

export function cacheControl(value: 'no-store' | 'private, no-store') {
  return createMiddleware(async (c, next) => {
    c.header('Cache-Control', value);
    await next();
  });
}
