/**
 * Which adapter sends a site's e-mail: Cloudflare's binding, or Resend with the site's write-only
 * token (from its SiteAdmin). On the local demo (WM_DEMO) the Cloudflare provider delivers to the
 * demo mailbox, since the binding cannot deliver from `wrangler dev`.
 */
import type { EmailSettings } from '../../../protocol/config/email';
import { cloudflareTransport } from './cloudflare';
import { mailboxTransport } from './mailbox';
import { resendTransport, type EmailTransport } from './transport';

export type TransportEnv = { env: Env; token: () => Promise<string | null>; fetcher: typeof fetch };

export async function emailTransport(settings: Pick<EmailSettings, 'provider'>, { env, token, fetcher }: TransportEnv): Promise<EmailTransport> {
  if (settings.provider === 'resend') {
    const key = await token();
    if (!key) return { provider: 'resend', send: async () => ({ status: 401, error: 'no Resend API token set (Email → Provider)' }) };
    return resendTransport(key, fetcher);
  }
  if (env.WM_DEMO === '1') return mailboxTransport(env.CONFIG);
  return cloudflareTransport(env.EMAIL);
}
