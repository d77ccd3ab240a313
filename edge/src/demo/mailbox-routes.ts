/**
 * The local demo's mailbox (only with WM_DEMO; 404 otherwise): the e-mails the Cloudflare provider
 * delivered locally (email/mailbox.ts).
 *   GET /_wm/demo/mailbox            the list (from, to, subject, time, List-Unsubscribe)
 *   GET /_wm/demo/mailbox.json       the same as JSON (tests)
 *   GET /_wm/demo/mailbox/:id        one e-mail: headers, the text part, the HTML part in a
 *                                    sandboxed frame, and the one-click unsubscribe as a mail client does it
 *   GET /_wm/demo/mailbox/:id/html   the HTML part alone, under a CSP that forbids script
 * No page runs script (CSP default-src 'none').
 */
import { Hono } from 'hono';
import type { ErrorResponse } from '../../../protocol/wire';
import { escapeAttr, escapeText } from '../../../protocol/content/sanitize';
import { isDemo, type AppEnv } from '../http/site-context';
import { mailboxGet, mailboxList, type MailboxRecord } from '../email/mailbox';

export const MAILBOX_PATH = '/demo/mailbox';
const BASE = `/_wm${MAILBOX_PATH}`;

const PAGE_CSP = "default-src 'none'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** The e-mail's own HTML: no script, no forms, images over https; and a sandboxed frame besides. */
const MAIL_CSP = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; sandbox";

export const mailboxRoutes = new Hono<AppEnv>();

mailboxRoutes.use(`${MAILBOX_PATH}/*`, async (c, next) => {
  if (!isDemo(c.env)) return c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404);
  c.header('Cache-Control', 'no-store');
  await next();
});
mailboxRoutes.use(MAILBOX_PATH, async (c, next) => {
  if (!isDemo(c.env)) return c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404);
  c.header('Cache-Control', 'no-store');
  await next();
});
mailboxRoutes.use(`${MAILBOX_PATH}.json`, async (c, next) => {
  if (!isDemo(c.env)) return c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404);
  c.header('Cache-Control', 'no-store');
  await next();
});

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeText(title)}</title></head><body>${body}</body></html>`;
const htmlResponse = (body: string, csp: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' } });
const time = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/** The List-Unsubscribe URL's path and query: the form posts to this server, wherever the link points. */
function unsubscribeAction(record: MailboxRecord): string | null {
  const header = record.headers['List-Unsubscribe'];
  const url = header?.match(/^<(.+)>$/)?.[1];
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.pathname.startsWith('/_wm/email/unsubscribe') ? parsed.pathname + parsed.search : null;
  } catch {
    return null;
  }
}

mailboxRoutes.get(`${MAILBOX_PATH}.json`, async (c) => c.json({ received: await mailboxList(c.env.CONFIG) }));

mailboxRoutes.get(MAILBOX_PATH, async (c) => {
  const mail = await mailboxList(c.env.CONFIG);
  const rows = mail
    .map(
      (m) =>
        `<tr><td>${escapeText(time(m.at))}</td><td>${escapeText(m.from)}</td><td>${escapeText(m.to)}</td>` +
        `<td><a href="${BASE}/${encodeURIComponent(m.id)}">${escapeText(m.subject)}</a></td><td><code>${escapeText(m.headers['List-Unsubscribe'] ?? '')}</code></td></tr>`,
    )
    .join('');
  const body =
    `<h1>Demo mailbox</h1><p>E-mails the local demo sent (journeys' e-mail steps and test sends), newest first. Kept a day.</p>` +
    (mail.length === 0
      ? '<p data-empty>No e-mail yet.</p>'
      : `<table><thead><tr><th>Time</th><th>From</th><th>To</th><th>Subject</th><th>List-Unsubscribe</th></tr></thead><tbody>${rows}</tbody></table>`);
  return htmlResponse(page('Demo mailbox', body), PAGE_CSP);
});

mailboxRoutes.get(`${MAILBOX_PATH}/:id/html`, async (c) => {
  const record = await mailboxGet(c.env.CONFIG, c.req.param('id'));
  if (!record) return htmlResponse(page('Not found', '<p>No such e-mail.</p>'), MAIL_CSP, 404);
  return htmlResponse(`<!doctype html><html><head><meta charset="utf-8"></head><body>${record.html}</body></html>`, MAIL_CSP);
});

mailboxRoutes.get(`${MAILBOX_PATH}/:id`, async (c) => {
  const record = await mailboxGet(c.env.CONFIG, c.req.param('id'));
  if (!record) return htmlResponse(page('Not found', `<p>No such e-mail. <a href="${BASE}">Back to the mailbox</a></p>`), PAGE_CSP, 404);
  const headers: [string, string][] = [
    ['From', record.from],
    ['To', record.to],
    ['Subject', record.subject],
    ['Date', time(record.at)],
    ...Object.entries(record.headers),
  ];
  const action = unsubscribeAction(record);
  const body =
    `<p><a href="${BASE}">← Mailbox</a></p><h1>${escapeText(record.subject)}</h1>` +
    `<table data-headers>${headers.map(([k, v]) => `<tr><th>${escapeText(k)}</th><td>${escapeText(v)}</td></tr>`).join('')}</table>` +
    (action
      ? `<form method="post" action="${escapeAttr(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">One-click unsubscribe (as a mail client would)</button></form>`
      : '') +
    `<h2>HTML part</h2><iframe title="HTML part" sandbox src="${BASE}/${encodeURIComponent(record.id)}/html" width="640" height="400"></iframe>` +
    `<h2>Text part</h2><pre>${escapeText(record.text)}</pre>` +
    `<details><summary>Raw MIME</summary><pre>${escapeText(record.raw)}</pre></details>`;
  return htmlResponse(page(record.subject, body), PAGE_CSP);
});
