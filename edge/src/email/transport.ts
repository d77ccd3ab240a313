/**
 * The provider adapter interface and the Resend adapter (HTTP, through the guarded fetch). The
 * Cloudflare `send_email` adapter is cloudflare.ts (it needs workerd's `cloudflare:email`); the local
 * demo's mailbox is mailbox.ts. Every adapter answers with the retry module's AttemptResult
 * (webhooks/retry.ts), so e-mails are retried exactly as journey webhooks are.
 */
import { guardedFetch, RefusedUrlError } from '../net/guarded-fetch';
import { DELIVERY_TIMEOUT_MS, type AttemptResult } from '../webhooks/retry';
import { listHeaders, mailbox, type OutgoingEmail } from './mime';

export type SendResult = AttemptResult & { providerId?: string | null };

export type EmailTransport = { provider: string; send(email: OutgoingEmail): Promise<SendResult> };

/** Resend's documented endpoint (POST /emails). */
export const RESEND_ENDPOINT = 'https://api.resend.com/emails';

/** Resend's request body (https://resend.com/docs/api-reference/emails/send-email). */
export type ResendPayload = { from: string; to: string[]; subject: string; html: string; text: string; headers: Record<string, string> };

export function resendPayload(email: OutgoingEmail): ResendPayload {
  return {
    from: mailbox(email.from.name, email.from.address),
    to: [email.to],
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: listHeaders(email),
  };
}

export function resendTransport(token: string, fetcher: typeof fetch): EmailTransport {
  return {
    provider: 'resend',
    async send(email) {
      try {
        const res = await guardedFetch(
          RESEND_ENDPOINT,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'user-agent': 'Waymark-Email/1',
              // The same on every retry: Resend sends it once (idempotent requests).
              'idempotency-key': email.id,
            },
            body: JSON.stringify(resendPayload(email)),
            signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          },
          { fetcher },
        );
        const text = await res.text();
        let providerId: string | null = null;
        try {
          const body = JSON.parse(text) as { id?: unknown; message?: unknown };
          if (typeof body.id === 'string') providerId = body.id.slice(0, 200);
          if (!res.ok && typeof body.message === 'string')
            return { status: res.status, error: `HTTP ${res.status}: ${body.message.slice(0, 300)}`, retryAfter: res.headers.get('retry-after') };
        } catch {
          // Not JSON: the status says enough.
        }
        return { status: res.status, error: null, retryAfter: res.headers.get('retry-after'), providerId };
      } catch (e) {
        if (e instanceof RefusedUrlError) return { status: null, error: `not sent: ${e.reason}`, refused: true };
        const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        return {
          status: null,
          error: timedOut ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : String(e instanceof Error ? e.message : e).slice(0, 500),
        };
      }
    },
  };
}
