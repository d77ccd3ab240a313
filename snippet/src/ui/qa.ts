/**
 * QA and preview sessions in the browser (docs/preview-and-qa.md). The edge decides everything: a
 * session's pages carry <html data-wm-qa="…"> (proxy mode), or its decide answer carries
 * `qa.describe` (snippet mode), and its events are never stored (the edge refuses them). Here:
 *
 *   - the badge, "Waymark preview: <what is forced>" and an Exit preview button, fixed at the
 *     bottom left in its own shadow root; text only (textContent), styled through the CSSOM (no
 *     style attribute in markup, no stylesheet), so a strict CSP and Trusted Types allow it;
 *   - Exit preview forgets the session's token (kept by the core as its visitor token) and reloads
 *     the page as a normal visitor: with `?wm_qa=exit` in proxy mode, so the edge clears its
 *     HttpOnly cookie; without the parameter in snippet mode;
 *   - the token leaves the address bar once the decide request has carried it.
 */
import { ls } from '../storage';

const PARAM = 'wm_qa';
/** A QA token (protocol/qa.ts QA_TOKEN_PREFIX); the core keeps it as its visitor token during a session. */
export const QA_PREFIX = 'wq_';
const VID = 'wm_vid';

/** `href` without the parameter; with `exit`, the parameter set to "exit" (proxy mode's cookie goes). */
export function qaUrl(href: string, exit?: unknown): string {
  const u = new URL(href);
  u.searchParams.delete(PARAM);
  if (exit) u.searchParams.set(PARAM, 'exit');
  return u.href;
}

/** Whether this page may be a QA session's: the URL or the kept token says so (the edge still decides). */
export const inQa = (vid: string): boolean => vid.indexOf(QA_PREFIX) == 0 || new URL(location.href).searchParams.has(PARAM);

/** Takes the parameter out of the address bar (the decide request has it already). */
export function dropParam(): void {
  if (new URL(location.href).searchParams.has(PARAM)) history.replaceState(history.state, '', qaUrl(location.href));
}

/** Shows (or updates) the badge. `proxied`: the edge holds the session in a cookie, which Exit must clear. */
export function badge(describe: string, proxied: boolean): void {
  const text = 'Waymark preview: ' + describe;
  const old = document.querySelector('[data-wm-qa-badge]');
  if (old) {
    old.shadowRoot!.querySelector('span')!.textContent = text;
    return;
  }
  const host = document.createElement('div');
  host.setAttribute('data-wm-qa-badge', '');
  const bar = document.createElement('div');
  const label = document.createElement('span');
  const exit = document.createElement('button');
  label.textContent = text;
  exit.type = 'button';
  exit.textContent = 'Exit preview';
  exit.onclick = () => {
    if ((ls(VID) || '').indexOf(QA_PREFIX) == 0) ls(VID, '');
    location.replace(qaUrl(location.href, proxied));
  };
  // The CSSOM (not a style attribute in markup): a strict CSP allows it.
  bar.style.cssText =
    'position:fixed;left:12px;bottom:12px;z-index:2147483646;padding:8px 12px;border-radius:8px;background:#111827;color:#fff;font:600 13px system-ui';
  exit.style.cssText = 'margin-left:10px;font:inherit;border:0;border-radius:6px;padding:4px 10px;background:#fbbf24';
  bar.append(label, exit);
  host.attachShadow({ mode: 'open' }).append(bar);
  document.body.append(host);
}
