/**
 * Preview mode: the dashboard's message editor shows a draft inside the site's real page. The page
 * is opened with ?wm_preview=1 in a frame of the dashboard, which posts {wm: 'preview', message}
 * on every edit. Only posts from the Waymark edge's own origin (where this script came from, which
 * serves the dashboard) are used; the draft goes through the same checks (validMessages) and the
 * same text-only renderer as real decisions, at once (no trigger wait), replacing the previous one,
 * with nothing recorded. The page's own messages stay off meanwhile (index.ts).
 */
import { WM_PREFIX } from '../../../protocol/limits';
import { messages } from './messages-ui';
import { trustedScript } from './trusted';

type Guard = Parameters<typeof messages>[2];

export const PREVIEW = /[?&]wm_preview=1(&|$)/.test(location.search);

/** Listens for drafts; tells the dashboard it is ready (it may have posted before we listened). */
export function preview(src: string, guard: Guard): void {
  const origin = new URL(src, location.href).origin;
  // Nothing is recorded: the renderer's core is a no-op.
  const show = messages((() => {}) as unknown as Parameters<typeof messages>[0], '', guard, 1);
  addEventListener(
    'message',
    guard((e: MessageEvent) => {
      const m = e.data && e.data.wm == 'preview' && e.data.message;
      if (e.origin == origin && m) show([{ ...m, kind: 'message', trigger: { on: 'load' } }]);
    }),
  );
  if (parent != window) parent.postMessage({ wm: 'preview-ready' }, origin);
  // The dashboard's visual editor (&wm_edit=1): its own chunk, from the same origin, framed pages only.
  if (parent != window && /[?&]wm_edit=1(&|$)/.test(location.search))
    document.head.appendChild(document.createElement('script')).src = trustedScript(origin + WM_PREFIX + '/wm-editor.js');
}
