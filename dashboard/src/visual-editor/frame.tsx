/**
 * The framed page with the editor overlay, and the pick panel both the visual editor screen and the
 * message editor's "Pick on page" use. channel.ts says how the frame is sandboxed and how the
 * handshake is checked; every later message goes over the page's MessagePort only.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ToDashboard, ToPage } from '../../../protocol/editor';
import type { SiteConfig } from '../api';
import { DEVICES, type Device } from '../page-preview';
import { editorUrl, isHandshake, pageOrigins, sandboxFor } from './channel';

export type Picked = Extract<ToDashboard, { t: 'picked' }>;
export type Send = (m: ToPage) => void;

type FrameProps = {
  config: SiteConfig;
  /** Every message from the page (after the handshake). */
  onMessage: (m: ToDashboard) => void;
  /** The page is ready: how to talk to it (null while a new page loads). */
  onChannel: (send: Send | null) => void;
  initialPath?: string;
};

export function EditorFrame({ config, onMessage, onChannel, initialPath = '/' }: FrameProps) {
  const here = location.origin;
  const origins = pageOrigins(config as { origins?: string[]; proxy?: { hostnames?: string[] } }, here);
  const [origin, setOrigin] = useState(origins[0]!);
  const [pathInput, setPathInput] = useState(initialPath);
  const [url, setUrl] = useState(() => editorUrl(origin, initialPath));
  const [pathError, setPathError] = useState('');
  const [device, setDevice] = useState<Device>('desktop');
  const [ready, setReady] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [avail, setAvail] = useState(900);
  const handlers = useRef({ onMessage, onChannel });
  handlers.current = { onMessage, onChannel };
  const frameOrigin = url ? new URL(url).origin : here;

  useEffect(() => {
    setReady(false);
    handlers.current.onChannel(null);
    let port: MessagePort | undefined;
    const on = (e: MessageEvent) => {
      if (!isHandshake(e, frame.current?.contentWindow, frameOrigin, here)) return;
      port?.close();
      port = e.ports[0]!;
      port.onmessage = (m: MessageEvent) => handlers.current.onMessage(m.data as ToDashboard);
      const p = port;
      setReady(true);
      handlers.current.onChannel((m: ToPage) => p.postMessage(m));
    };
    addEventListener('message', on);
    return () => {
      removeEventListener('message', on);
      port?.close();
    };
  }, [url, device]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setAvail(el.clientWidth));
    ro.observe(el);
    setAvail(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const open = (e: Event) => {
    e.preventDefault();
    const next = editorUrl(origin, pathInput);
    if (!next) return setPathError('A path on your site, starting with /, like /category/running');
    setPathError('');
    setUrl(next);
  };
  const dev = DEVICES[device];
  const scale = Math.min(1, avail / dev.width);

  return (
    <div class="page-preview visual-frame">
      <div class="preview-bar">
        <div class="seg" role="group" aria-label="Page width">
          {(Object.keys(DEVICES) as Device[]).map((d) => (
            <button key={d} type="button" class={`btn small${device === d ? ' on' : ''}`} aria-pressed={device === d} onClick={() => setDevice(d)}>
              {DEVICES[d].label} <span class="muted">{DEVICES[d].width}</span>
            </button>
          ))}
        </div>
        <div class={`path-form${pathError ? ' invalid' : ''}`}>
          {origins.length > 1 ? (
            <select aria-label="Site origin" value={origin} onChange={(e) => setOrigin(e.currentTarget.value)}>
              {origins.map((o) => (
                <option key={o} value={o}>
                  {o === here ? `${o} (this origin)` : o}
                </option>
              ))}
            </select>
          ) : null}
          <label for="visual-path" class="sr-only">
            Page to edit
          </label>
          <input
            id="visual-path"
            value={pathInput}
            aria-invalid={!!pathError}
            onInput={(e) => setPathInput(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && open(e)}
          />
          <button type="button" class="btn small" onClick={open}>
            Open
          </button>
        </div>
      </div>
      {pathError ? <p class="field-errors">{pathError}</p> : null}
      <div class="device-box" ref={box}>
        <div class={`device ${device}`} style={{ width: `${dev.width * scale}px`, height: `${dev.height * scale}px` }}>
          {url ? (
            <iframe
              ref={frame}
              key={`${url}|${device}`}
              class="page-frame"
              src={url}
              title={`Visual editor on ${new URL(url).pathname}`}
              sandbox={sandboxFor(frameOrigin, here)}
              width={dev.width}
              height={dev.height}
              style={{ transform: `scale(${scale})` }}
              data-editor-frame=""
            />
          ) : null}
          {!ready ? (
            <p class="frame-state" role="status">
              <span class="spinner" aria-hidden="true" /> Loading the page and the editor…
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** What was picked: selector (editable), its match count with a warning at 0 or more than 1, Widen/Narrow. */
export function PickPanel({
  picked,
  selector,
  count,
  refused,
  send,
  onSelector,
}: {
  picked: Picked | null;
  selector: string;
  count: { matches: number; error?: string } | null;
  refused: string;
  send: Send | null;
  onSelector: (s: string) => void;
}) {
  const matches = count?.matches;
  const warn =
    count?.error ??
    (matches === 0
      ? 'Matches nothing on this page.'
      : matches !== undefined && matches > 1
        ? `Matches ${matches} elements on this page: all of them would be filled.`
        : '');
  return (
    <div class="pick-panel" data-pick-panel="">
      {refused ? (
        <p class="banner error" role="alert" data-refused="">
          {refused}
        </p>
      ) : null}
      {picked ? (
        <p class="muted">
          Picked &lt;{picked.tag}&gt;{picked.text ? `: “${picked.text}”` : ''}
        </p>
      ) : (
        <p class="muted">Hover the page to outline an element, click to pick it.</p>
      )}
      <div class="field">
        <label for="visual-selector">Selector</label>
        <input id="visual-selector" value={selector} onInput={(e) => onSelector(e.currentTarget.value)} placeholder="Pick an element on the page" />
        <p class={`hint${warn ? ' warn' : ''}`} data-matches={matches ?? ''} role="status">
          {matches === undefined ? ' ' : warn || 'Matches exactly 1 element on this page.'}
        </p>
      </div>
      <div class="row-buttons">
        <button type="button" class="btn small" disabled={!send || !picked?.canWiden} onClick={() => send?.({ t: 'widen' })}>
          Widen (parent)
        </button>
        <button type="button" class="btn small" disabled={!send || !picked?.canNarrow} onClick={() => send?.({ t: 'narrow' })}>
          Narrow (child)
        </button>
      </div>
    </div>
  );
}

/** State shared by both users of the frame: the channel, the pick, the selector and its count. */
export function usePick() {
  const [send, setSend] = useState<Send | null>(null);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [refused, setRefused] = useState('');
  const [selector, setSelectorState] = useState('');
  const [count, setCount] = useState<{ matches: number; error?: string } | null>(null);
  const sendRef = useRef<Send | null>(null);
  sendRef.current = send;
  const onMessage = (m: ToDashboard) => {
    if (m.t === 'picked') {
      setPicked(m);
      setRefused('');
      setSelectorState(m.selector);
      setCount({ matches: m.matches });
    } else if (m.t === 'refused') setRefused(`<${m.tag}> cannot be picked: ${m.reason}.`);
    else if (m.t === 'count') setCount({ matches: m.matches, ...(m.error ? { error: m.error } : {}) });
  };
  const setSelector = (s: string) => {
    setSelectorState(s);
    sendRef.current?.({ t: 'select', selector: s });
  };
  return { send, setSend: (s: Send | null) => setSend(() => s), picked, refused, selector, setSelector, count, onMessage };
}
