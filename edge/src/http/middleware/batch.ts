/**
 * Reads and parses the POST /_wm/e body once (size-capped, UTF-8, JSON batch) and puts it in
 * `c.var.batch`: the site, consent and visitor middleware after it read from there.
 */
import { createMiddleware } from 'hono/factory';
import { MAX_BODY_BYTES } from '../../../../protocol/limits';
import { parseBatch } from '../../ingest/batch';
import { assertJsonLikeContentType, readBodyText } from '../body';
import { HttpError } from '../errors';
import type { EnvWith } from '../app-env';

export const batchBody = createMiddleware<EnvWith<'batch'>>(async (c, next) => {
  assertJsonLikeContentType(c.req.header('content-type'));
  const parsed = parseBatch(await readBodyText(c.req.raw, MAX_BODY_BYTES));
  if (!parsed.ok) {
    const { error, ...details } = parsed;
    throw new HttpError(400, error, { issues: details.issues, rejected: details.rejected });
  }
  c.set('batch', parsed.batch);
  await next();
});
