/**
 * QA and preview sessions in the browser (docs/preview-and-qa.md). The edge decides everything: a
 * session's pages carry <html data-wm-qa="…"> (proxy mode), or its decide answer carries
 * `qa.describe` (snippet mode), and its events are never stored (the edge refuses them). Here:
 *
 *   - the badge (its own chunk, ./qa-badge.ts), "Waymark preview: <what is forced>" and an Exit preview button, fixed at the
 *     bottom left in its own shadow root; text only (textContent), styled through the CSSOM (no
 *     style attribute in markup, no stylesheet), so a strict CSP and Trusted Types allow it;
 *   - Exit preview forgets the session's token (kept by the core as its visitor token) and reloads
 *     the page as a normal visitor: with `?wm_qa=exit` in proxy mode, so the edge clears its
 *     HttpOnly cookie; without the parameter in snippet mode;
 *   - the token leaves the address bar once the decide request has carried it.
 */
import { WM_PREFIX } from '../../../protocol/limits';
import { ls } from '../storage';
import { trustedScript } from './trusted';

const PARAM = 'wm_qa';
const QA_PARAM = /[?&]wm_qa=/;
/** A QA token (protocol/qa.ts QA_TOKEN_PREFIX); the core keeps it as its visitor token during a session. */
export const QA_PREFIX = 'wq_';
export const VID = 'wm_vid';

/** `href` without the parameter; with `exit`, the parameter set to "exit" (proxy mode's cookie goes). */
export function qaUrl(href: string, exit?: unknown): string {
  const u = new URL(href);
  u.searchParams.delete(PARAM);
  if (exit) u.searchParams.set(PARAM, 'exit');
  return u.href;
}

/** Whether this page may be a QA session's: the URL or the kept token says so (the edge still decides). */
export const inQa = (vid: string): boolean => vid.indexOf(QA_PREFIX) == 0 || QA_PARAM.test(location.search);

/** Takes the parameter out of the address bar (the decide request has it already). */
export function dropParam(): void {
  if (QA_PARAM.test(location.search)) history.replaceState(history.state, '', qaUrl(location.href));
}

/** The badge chunk's global: the shower once wm-qa.js ran, the latest arguments until then. */
type QaGlobal = { wmQa?: ((describe: string, proxied: boolean) => void) | [string, boolean] };

/**
 * Shows (or updates) the badge, from its own chunk (wm-qa.js, ./qa-badge.ts): only a QA session
 * needs it, so a visitor's wm-ui.js does not carry it. `proxied`: the edge holds the session in a
 * cookie, which Exit must clear. `origin`: where wm-ui.js came from.
 */
export function badge(describe: string, proxied: boolean, origin: string): void {
  const w = window as unknown as QaGlobal;
  if (typeof w.wmQa == 'function') return w.wmQa(describe, proxied);
  const loading = w.wmQa;
  w.wmQa = [describe, proxied];
  if (!loading) document.head.appendChild(document.createElement('script')).src = trustedScript(origin + WM_PREFIX + '/wm-qa.js');
}
