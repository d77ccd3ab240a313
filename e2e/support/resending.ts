/**
 * API request contexts that resend the one answer that is wrangler dev's and never the worker's.
 *
 * wrangler dev's ProxyWorker answers `503 Your worker restarted mid-request` when its pooled
 * connection to the user worker drops under a request, which happens without any restart when a
 * request meets the connection's keep-alive timeout (cloudflare/workers-sdk#14641). It resends
 * GET and HEAD itself but not a POST, PUT or DELETE, so an admin login could fail a spec at
 * random. The request never reached our worker, so sending it again is safe; any other answer,
 * including any other 503, is returned as it is.
 */
import type { APIRequestContext, APIResponse } from '@playwright/test';

export const RESTARTED = 'Your worker restarted mid-request';
const SENDING = new Set(['fetch', 'get', 'post', 'put', 'delete', 'patch', 'head']);
const ATTEMPTS = 4;

async function wranglerRestarted(response: APIResponse): Promise<boolean> {
  if (response.status() !== 503) return false;
  try {
    return (await response.text()).startsWith(RESTARTED);
  } catch {
    return false;
  }
}

const wrapped = new WeakSet<APIRequestContext>();

/** `context` with its sending methods resending wrangler dev's 503 (at most ATTEMPTS sends). */
export function resending(context: APIRequestContext): APIRequestContext {
  if (wrapped.has(context)) return context;
  const proxy = new Proxy(context, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<APIResponse>;
      if (typeof property !== 'string' || !SENDING.has(property)) return method.bind(target);
      return async (...args: unknown[]) => {
        for (let attempt = 1; ; attempt++) {
          const response = await method.apply(target, args);
          if (attempt === ATTEMPTS || !(await wranglerRestarted(response))) return response;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      };
    },
  });
  wrapped.add(proxy);
  return proxy;
}
