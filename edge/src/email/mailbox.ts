/**
 * The local demo's mailbox (WM_DEMO only): with the Cloudflare provider, whose binding cannot
 * deliver from `wrangler dev`, e-mails are stored here instead, as the raw MIME the binding would
 * get plus its parts for display. KV, one key per e-mail, kept a day; the pages are
 * demo/mailbox-routes.ts (/_wm/demo/mailbox).
 */
import { buildMime, listHeaders, mailbox as mailboxHeader, type OutgoingEmail } from './mime';
import type { EmailTransport } from './transport';

const KEY_PREFIX = 'demo-mailbox:';
const TTL_SECONDS = 86_400;

export type MailboxRecord = {
  id: string;
  at: number;
  site: string;
  from: string;
  to: string;
  subject: string;
  headers: Record<string, string>;
  html: string;
  text: string;
  raw: string;
};

export function mailboxTransport(kv: KVNamespace): EmailTransport {
  return {
    provider: 'demo-mailbox',
    async send(email: OutgoingEmail) {
      const at = Date.now();
      const record: MailboxRecord = {
        id: email.id,
        at,
        site: email.site,
        from: mailboxHeader(email.from.name, email.from.address),
        to: email.to,
        subject: email.subject,
        headers: listHeaders(email),
        html: email.html,
        text: email.text,
        raw: buildMime(email, new Date(at)),
      };
      // Zero-padded time first: KV lists keys in order. The id keeps a retried e-mail one entry.
      await kv.put(`${KEY_PREFIX}${String(at).padStart(15, '0')}:${email.id}`, JSON.stringify(record), { expirationTtl: TTL_SECONDS });
      return { status: 202, error: null, providerId: email.id };
    },
  };
}

/** The newest e-mails first (at most 100). */
export async function mailboxList(kv: KVNamespace): Promise<MailboxRecord[]> {
  const listed = await kv.list({ prefix: KEY_PREFIX, limit: 1000 });
  const newest = listed.keys.slice(-100).reverse();
  const records = await Promise.all(newest.map((k) => kv.get<MailboxRecord>(k.name, 'json')));
  return records.filter((r): r is MailboxRecord => r !== null);
}

export async function mailboxGet(kv: KVNamespace, id: string): Promise<MailboxRecord | null> {
  const listed = await kv.list({ prefix: KEY_PREFIX, limit: 1000 });
  const key = listed.keys.find((k) => k.name.endsWith(`:${id}`));
  return key ? kv.get<MailboxRecord>(key.name, 'json') : null;
}
