/**
 * The unsubscribe link of every e-mail (`List-Unsubscribe`, and `{{ unsubscribe_url }}` in bodies):
 *   - POST /_wm/email/unsubscribe?site=…&t=… : RFC 8058 one-click (a mail client posts
 *     `List-Unsubscribe=One-Click`), or the confirm page's button. Puts the address on the site's
 *     suppression list and sets the profile's e-mail consent field to false.
 *   - GET the same URL: a page with the button, and no change (link scanners follow GET links).
 * The signed token (unsubscribe.ts) is the only credential. A bad or expired token gets a 4xx page.
 */
import { Hono } from 'hono';
import type { ProfileField } from '../../../protocol/config/email';
import { DEFAULT_CONSENT_FIELD } from '../../../protocol/config/email';
import { siteIdSchema } from '../../../protocol/wire';
import { escapeText } from '../../../protocol/content/sanitize';
import type { AppEnv } from '../http/app-env';
import { loadSite } from '../http/site-context';
import { siteAdmin } from '../admin/objects';
import { goldenRecordName } from '../identity/stitch';
import { readBodyText } from '../http/body';
import { UNSUBSCRIBE_PATH, verifyUnsubscribe, type UnsubscribeClaim } from './unsubscribe';
import { WM_PREFIX } from '../../../protocol/limits';

export const unsubscribeRoutes = new Hono<AppEnv>();
const PATH = UNSUBSCRIBE_PATH.slice(WM_PREFIX.length);

/** No script, no style, no framing: the page is text and one form posting to itself. */
const CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${escapeText(title)}</title></head><body><main><h1>${escapeText(title)}</h1>${body}</main></body></html>`;
}

type Checked =
  { ok: true; claim: UnsubscribeClaim; siteName: string; consentField: ProfileField } | { ok: false; status: 400 | 403 | 404 | 410; reason: string };

async function check(env: Env, site: string | undefined, token: string | undefined): Promise<Checked> {
  const id = siteIdSchema.safeParse(site);
  if (!id.success || !token) return { ok: false, status: 400, reason: 'this unsubscribe link is incomplete: open the link from the e-mail again' };
  const verdict = await verifyUnsubscribe(env.WM_SECRET, id.data, token, Date.now());
  if (!verdict.ok) return verdict;
  const config = await loadSite({ env }, id.data).catch(() => null);
  if (!config) return { ok: false, status: 404, reason: 'this site no longer exists' };
  return { ok: true, claim: verdict.claim, siteName: config.name, consentField: config.email?.consentField ?? DEFAULT_CONSENT_FIELD };
}

function refuse(status: 400 | 403 | 404 | 410, reason: string): Response {
  return new Response(page('This link does not work', `<p>${escapeText(reason)}.</p>`), {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-store' },
  });
}

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-store' } });

unsubscribeRoutes.get(PATH, async (c) => {
  const checked = await check(c.env, c.req.query('site'), c.req.query('t'));
  if (!checked.ok) return refuse(checked.status, checked.reason);
  const action = `${UNSUBSCRIBE_PATH}?site=${encodeURIComponent(checked.claim.site)}&t=${encodeURIComponent(c.req.query('t') ?? '')}`;
  return html(
    page(
      `Unsubscribe from ${checked.siteName}`,
      `<p>Stop e-mails from ${escapeText(checked.siteName)} to <strong>${escapeText(checked.claim.address)}</strong>?</p>` +
        `<form method="post" action="${escapeText(action).replace(/"/g, '&quot;')}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    ),
  );
});

unsubscribeRoutes.post(PATH, async (c) => {
  const checked = await check(c.env, c.req.query('site'), c.req.query('t'));
  if (!checked.ok) return refuse(checked.status, checked.reason);
  // The body (List-Unsubscribe=One-Click) carries nothing more; read (bounded) so the connection is clean.
  await readBodyText(c.req.raw, 4096).catch(() => '');
  const { claim } = checked;
  await siteAdmin(c.env, claim.site).suppressEmail(claim.site, claim.address, 'unsubscribed');
  const name = claim.profile.kind === 'u' ? goldenRecordName(claim.site, claim.profile.id) : `${claim.site}:${claim.profile.id}`;
  if (!claim.profile.id.startsWith('test:')) {
    await c.env.VISITORS.get(c.env.VISITORS.idFromName(name)).withdrawEmailConsent(checked.consentField);
  }
  return html(page('You are unsubscribed', `<p>${escapeText(claim.address)} will get no more e-mails from ${escapeText(checked.siteName)}.</p>`));
});
