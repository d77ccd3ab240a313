/**
 * Proxy mode's half of QA sessions (docs/preview-and-qa.md). A page opened with `?wm_qa=<token>`
 * is answered with a redirect to the same URL without the parameter: with a valid token it also
 * sets the `wm_qa` session cookie (HttpOnly, first-party), so the token leaves the address bar,
 * the history and any referrer; with any other value (a forged, expired or revoked token) the
 * redirect only drops the parameter, and the visitor is a normal visitor, with no error page.
 * `?wm_qa=exit` (the badge's Exit preview) clears the cookie the same way.
 *
 * Framed (Sec-Fetch-Dest: iframe, the dashboard's "Preview as"), a page with a valid token is served
 * as the session's directly, without the cookie.
 *
 * A page requested with the cookie is the session's: its link is looked up on every request
 * (session.ts), so a revoked or expired link turns the next page back into a normal visitor's, and
 * its cookie is cleared.
 */
import { QA_COOKIE, QA_PARAM } from '../../../protocol/qa';
import type { SiteConfig } from '../../../protocol/config/site';
import { openQaSession, type QaSession } from './session';

export type QaPageStep = { redirect: Response } | { session: QaSession | null; clearCookie: boolean };

/** Null for a request with neither the parameter nor the cookie: a normal visitor's page. */
export async function qaPageStep(env: Env, site: SiteConfig, url: URL, cookie: string | undefined, frame = false): Promise<QaPageStep | null> {
  const param = url.searchParams.get(QA_PARAM);
  // In a frame (the dashboard's "Preview as"): the page itself, no redirect and no cookie, so the
  // preview never follows the marketer into their own visits of the site.
  if (param !== null && frame && param !== 'exit') return { session: await openQaSession(env, site, param), clearCookie: false };
  if (param !== null) {
    const clean = new URL(url);
    clean.searchParams.delete(QA_PARAM);
    const session = param === 'exit' ? null : await openQaSession(env, site, param);
    const cookieHeader = session
      ? `${QA_COOKIE}=${session.token}; Path=/; HttpOnly; SameSite=Lax${url.protocol === 'https:' ? '; Secure' : ''}`
      : param === 'exit'
        ? clearedQaCookie(url)
        : null;
    const headers = new Headers({ location: clean.href, 'cache-control': 'private, no-store', 'referrer-policy': 'no-referrer' });
    if (cookieHeader) headers.append('set-cookie', cookieHeader);
    return { redirect: new Response(null, { status: 303, headers }) };
  }
  if (cookie === undefined) return null;
  const session = await openQaSession(env, site, cookie);
  return { session, clearCookie: session === null };
}

/** The Set-Cookie that ends a session whose link no longer forces anything. */
export function clearedQaCookie(url: URL): string {
  return `${QA_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${url.protocol === 'https:' ? '; Secure' : ''}`;
}
