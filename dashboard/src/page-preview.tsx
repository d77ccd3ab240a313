/**
 * A draft message inside the site's real page: the page opens with ?wm_preview=1 in a frame at
 * desktop (1280 px) or mobile (390 px) width, scaled to fit, and the draft is posted to it on every
 * edit. wm-ui.js's preview mode (snippet/src/ui/preview.ts) renders it with the real renderer.
 * The frame is sandboxed without allow-same-origin: the page's scripts run (the renderer needs
 * them) but, on an opaque origin, the preview records nothing in analytics and reads no storage.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Json } from './api';
import { safeReturnTo } from '../../protocol/return-to';

export const DEVICES = { desktop: { width: 1280, height: 800, label: 'Desktop' }, mobile: { width: 390, height: 760, label: 'Mobile' } } as const;
export type Device = keyof typeof DEVICES;

/** The editor's draft as the edge would send it (MessageDecision), shown at once. */
export function draftDecision(m: Json, variant: Json | undefined): Json {
  const title = (variant?.['title'] as string | undefined) || (m['title'] as string | undefined);
  const d: Json = {
    kind: 'message',
    id: String(m['id'] || 'draft'),
    variant: String(variant?.['id'] ?? 'preview'),
    type: m['type'],
    trigger: { on: 'load' },
    body: String(m['body'] ?? ''),
    priority: 0,
    why: 'preview',
  };
  if (title) d['title'] = title;
  if (m['cta']?.['text'] && m['cta']?.['href']) d['cta'] = { text: m['cta']['text'], href: m['cta']['href'] };
  if (m['type'] === 'inline') d['target'] = m['target'] ?? '';
  if (m['type'] === 'survey')
    d['survey'] = { pref: m['survey']?.['pref'] || 'preview', options: ((m['survey']?.['options'] ?? []) as Json[]).filter((o) => o['label']) };
  return d;
}

/** Why the draft cannot show yet, in words (the renderer would silently skip it). */
function notShown(d: Json): string {
  if (d['type'] === 'inline' && !d['target']) return 'Inline messages need a CSS selector to go into.';
  if (d['type'] === 'survey' && !d['survey']['options'].length) return 'Add at least one answer option to see the survey.';
  return '';
}

export function PagePreview({ draft }: { draft: Json }) {
  const [device, setDevice] = useState<Device>('desktop');
  const [pathInput, setPathInput] = useState('/');
  const [path, setPath] = useState('/');
  const [pathError, setPathError] = useState('');
  const [loaded, setLoaded] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [avail, setAvail] = useState(600);
  const dev = DEVICES[device];

  const post = () => frame.current?.contentWindow?.postMessage({ wm: 'preview', message: draft }, '*');
  const key = JSON.stringify(draft);
  useEffect(post, [key]);

  // The page's wm-ui.js says when it listens (it may load after the frame's load event).
  useEffect(() => {
    const on = (e: MessageEvent) => {
      if (e.source === frame.current?.contentWindow && e.data?.wm === 'preview-ready') {
        setLoaded(true);
        post();
      }
    };
    addEventListener('message', on);
    return () => removeEventListener('message', on);
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setAvail(el.clientWidth));
    ro.observe(el);
    setAvail(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const scale = Math.min(1, avail / dev.width);
  const src = `${path}${path.includes('?') ? '&' : '?'}wm_preview=1`;
  const why = notShown(draft);
  const go = (e: Event) => {
    e.preventDefault();
    // Only a path on this origin: `/\evil.com` or `/%2f%2fevil.com` would frame another site.
    const p = safeReturnTo(pathInput.trim() || '/');
    if (p === null) {
      setPathError('A path on your site, starting with /, like /category/running');
      return;
    }
    setPathError('');
    setLoaded(false);
    setPath(p);
  };

  return (
    <div class="page-preview">
      <div class="preview-bar">
        <div class="seg" role="group" aria-label="Preview width">
          {(Object.keys(DEVICES) as Device[]).map((d) => (
            <button
              key={d}
              type="button"
              class={`btn small${device === d ? ' on' : ''}`}
              aria-pressed={device === d}
              onClick={() => {
                if (d !== device) setLoaded(false);
                setDevice(d);
              }}
            >
              {DEVICES[d].label} <span class="muted">{DEVICES[d].width}</span>
            </button>
          ))}
        </div>
        <div class={`path-form${pathError ? ' invalid' : ''}`}>
          <label for="preview-path" class="sr-only">
            Page to preview on
          </label>
          <input
            id="preview-path"
            value={pathInput}
            aria-invalid={!!pathError}
            onInput={(e) => setPathInput(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && go(e)}
          />
          <button type="button" class="btn small" onClick={go}>
            Open
          </button>
        </div>
      </div>
      {pathError ? <p class="field-errors">{pathError}</p> : null}
      <div class="device-box" ref={box}>
        <div class={`device ${device}`} style={{ width: `${dev.width * scale}px`, height: `${dev.height * scale}px` }}>
          <iframe
            ref={frame}
            key={`${path}|${device}`}
            class="page-frame"
            src={src}
            title={`Preview on ${path} at ${dev.width} px`}
            sandbox="allow-scripts"
            width={dev.width}
            height={dev.height}
            style={{ transform: `scale(${scale})` }}
            onLoad={post}
            data-device={device}
          />
          {!loaded ? (
            <p class="frame-state" role="status">
              <span class="spinner" aria-hidden="true" /> Loading the page…
            </p>
          ) : null}
        </div>
      </div>
      <p class="hint">
        {why || `The draft as visitors see it on ${path}, ${dev.width} px wide (shown at ${Math.round(scale * 100)}%). Nothing is recorded while you preview.`}
      </p>
    </div>
  );
}
