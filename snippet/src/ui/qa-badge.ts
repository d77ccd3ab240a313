/**
 * wm-qa.js: the QA session's badge (./qa.ts says what it is), loaded by wm-ui.js only in a QA or
 * preview session. It takes the arguments wm-ui.js left in `window.wmQa` and replaces them with
 * the shower, so later updates call it directly.
 */
import { ls } from '../storage';
import { QA_PREFIX, VID, qaUrl } from './qa';

type QaGlobal = { wmQa?: ((describe: string, proxied: boolean) => void) | [string, boolean] };

/** Shows (or updates) the badge. `proxied`: the edge holds the session in a cookie, which Exit must clear. */
function show(describe: string, proxied: boolean): void {
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

const w = window as unknown as QaGlobal;
const pending = w.wmQa;
w.wmQa = show;
try {
  if (Array.isArray(pending)) show(pending[0], pending[1]);
} catch {
  /* never throw into the host page */
}
