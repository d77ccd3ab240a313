/**
 * The Cloudflare Email Routing adapter: the `send_email` binding (wrangler.toml `[[send_email]]`,
 * name EMAIL) with the raw MIME of mime.ts. Cloudflare delivers only to verified destination
 * addresses of the account (docs/email.md says so); `wrangler dev` validates the message and
 * writes it to a local file instead of sending it.
 */
import { EmailMessage } from 'cloudflare:email';
import { buildMime } from './mime';
import type { EmailTransport } from './transport';

export function cloudflareTransport(binding: SendEmail | undefined): EmailTransport {
  return {
    provider: 'cloudflare',
    async send(email) {
      // 503-like: the deployment lacks the binding; retried, so adding it lets queued mail go.
      if (!binding) return { status: 503, error: 'no send_email binding "EMAIL" on this worker (wrangler.toml)' };
      try {
        await binding.send(new EmailMessage(email.from.address, email.to, buildMime(email, new Date())));
        return { status: 202, error: null, providerId: email.id };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        // The binding throws for a refused destination or sender: retrying will not fix those.
        const refused = /destination|not verified|sender|invalid/i.test(message);
        return { status: refused ? 400 : null, error: `send_email: ${message.slice(0, 400)}` };
      }
    },
  };
}
