/**
 * Every outbound request of the edge goes through here (webhooks, Cloudflare Access certs, and
 * any destination added later): the URL must pass the SSRF guard (protocol/net/public-url.ts) at
 * send time too, whatever was checked when it was written, and redirects are never followed (a
 * 3xx comes back as the response, so a public URL cannot bounce the request to a private one).
 */
import { checkOutboundUrl } from '../../../protocol/net/public-url';

export class RefusedUrlError extends Error {
  override name = 'RefusedUrlError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused outbound URL: ${reason}`);
  }
}

export type GuardOptions = {
  /** The local demo's sink on http://127.0.0.1 (only with WM_DEMO; never on a deployment). */
  allowLocalDemo?: boolean;
  /** The fetch to use; the runtime's global fetch, looked up at call time, by default. */
  fetcher?: typeof fetch;
};

/** fetch(url, init) after the guard; throws RefusedUrlError (before any network I/O) when refused. */
export async function guardedFetch(url: string, init: RequestInit = {}, options: GuardOptions = {}): Promise<Response> {
  const verdict = checkOutboundUrl(url, { allowLocalDemo: options.allowLocalDemo === true });
  if (!verdict.ok) throw new RefusedUrlError(url, verdict.reason);
  const fetcher = options.fetcher ?? ((input: RequestInfo | URL, requestInit?: RequestInit) => fetch(input, requestInit));
  // The serialized URL the guard checked, not the raw string: the two cannot disagree.
  return fetcher(verdict.url.href, { ...init, redirect: 'manual' });
}
