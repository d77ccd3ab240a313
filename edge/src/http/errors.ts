/**
 * Errors a route raises on purpose carry their status and a reason for the caller; anything
 * else is a bug, logged and answered with a generic 500 that leaks nothing.
 */
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
