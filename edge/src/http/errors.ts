/**
 * Errors a route raises on purpose carry their status and a reason for the caller; anything
 * else is a bug, logged and answered with a generic 500 that leaks nothing.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorResponse } from '../../../protocol/wire';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly details: Omit<ErrorResponse, 'error'> = {},
  ) {
    super(message);
  }

  body(): ErrorResponse {
    return { error: this.message, ...this.details };
  }
}

/** The app's `onError`: an HttpError's own status and body, else a logged, generic 500. */
export function answerError(err: Error, c: Context): Response {
  if (err instanceof HttpError) return c.json(err.body(), err.status);
  console.error('unhandled error', err);
  return c.json({ error: 'internal error' } satisfies ErrorResponse, 500);
}
