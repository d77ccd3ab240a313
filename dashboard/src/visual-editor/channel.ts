/**
 * The visual editor's frame and channel rules, pure (tested in Node beside this file).
 *
 * The dashboard frames one of the site's pages with ?wm_preview=1&wm_edit=1. wm-ui.js's preview
 * path then loads wm-editor.js, which posts {wm: 'editor-ready'} and a MessagePort to its parent
 * with targetOrigin = the edge origin that served it. The dashboard takes that port only from its
 * own frame's window and only from the framed page's origin:
 *   - a page on this dashboard's own origin (proxy mode, the local demo) is framed sandboxed WITHOUT
 *     allow-same-origin, so it cannot reach the dashboard: its origin is then opaque, "null";
 *   - a page on another of the site's origins (snippet mode) is framed with allow-same-origin (it
 *     cannot reach the dashboard across origins anyway, and its own scripts keep their storage):
 *     its origin is the page's.
 */
import { safeReturnTo } from '../../../protocol/return-to';

export const READY = 'editor-ready';

/** Where pages of this site can be opened: this dashboard's origin, the site's origins, its proxied hosts. */
export function pageOrigins(config: { origins?: readonly string[]; proxy?: { hostnames?: readonly string[] } }, here: string): string[] {
  const out = [here];
  for (const o of config.origins ?? []) if (/^https?:\/\/[^/]+$/.test(o) && !out.includes(o)) out.push(o);
  for (const h of config.proxy?.hostnames ?? []) {
    const o = `https://${h}`;
    if (!out.includes(o)) out.push(o);
  }
  return out;
}

/** The framed page's URL for `path` (a path on the site, as the message preview accepts) on `origin`; null when `path` is not a plain path. */
export function editorUrl(origin: string, path: string): string | null {
  const p = safeReturnTo(path.trim() || '/');
  if (p === null) return null;
  const url = new URL(p, origin);
  url.searchParams.set('wm_preview', '1');
  url.searchParams.set('wm_edit', '1');
  return url.href;
}

/** The iframe's sandbox: scripts always; the page's own origin only when it is not the dashboard's. */
export function sandboxFor(pageOrigin: string, here: string): string {
  return pageOrigin === here ? 'allow-scripts' : 'allow-scripts allow-same-origin';
}

/** The origin a message from the framed page must carry (see the top of this file). */
export function expectedOrigin(pageOrigin: string, here: string): string {
  return pageOrigin === here ? 'null' : pageOrigin;
}

/** Whether a message event is the framed editor's handshake: from our frame, from its origin, with a port. */
export function isHandshake(
  e: { source: unknown; origin: string; data: unknown; ports: readonly unknown[] },
  frame: unknown,
  pageOrigin: string,
  here: string,
): boolean {
  return (
    !!frame &&
    e.source === frame &&
    e.origin === expectedOrigin(pageOrigin, here) &&
    !!e.data &&
    (e.data as { wm?: unknown }).wm === READY &&
    e.ports.length === 1
  );
}
