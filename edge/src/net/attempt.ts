/**
 * One outbound delivery attempt through the SSRF guard, with a timeout, said as an AttemptResult
 * for the retry schedule (webhooks/retry.ts): journey webhooks (webhooks/deliver.ts) and
 * destinations (destinations/deliver.ts) both send this way.
 */
import { DELIVERY_TIMEOUT_MS, type AttemptResult } from '../webhooks/retry';
import { guardedFetch, RefusedUrlError, type GuardOptions } from './guarded-fetch';

export type Attempt = AttemptResult & { durationMs: number; bodyExcerpt?: string };

export type AttemptOptions = Required<Pick<GuardOptions, 'fetcher'>> & {
  now: () => number;
  allowLocalDemo: boolean;
  /** Keep the first this-many characters of the answer (test sends show it); 0: cancel the body. */
  excerptChars?: number;
};

export async function attemptRequest(url: string, init: RequestInit, options: AttemptOptions): Promise<Attempt> {
  const started = options.now();
  try {
    const res = await guardedFetch(
      url,
      { ...init, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) },
      { fetcher: options.fetcher, allowLocalDemo: options.allowLocalDemo },
    );
    const retryAfter = res.headers.get('retry-after');
    if (!options.excerptChars) {
      // The body is not needed; cancel it so the connection is released.
      await res.body?.cancel();
      return { status: res.status, error: null, retryAfter, durationMs: options.now() - started };
    }
    const text = await res.text().catch(() => '');
    return { status: res.status, error: null, retryAfter, durationMs: options.now() - started, bodyExcerpt: text.slice(0, options.excerptChars) };
  } catch (e) {
    if (e instanceof RefusedUrlError) return { status: null, error: `not sent: ${e.reason}`, refused: true, durationMs: 0 };
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    const error = timedOut ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : e instanceof Error ? e.message : String(e);
    return { status: null, error: error.slice(0, 500), durationMs: options.now() - started };
  }
}
