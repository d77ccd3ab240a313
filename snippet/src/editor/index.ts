/**
 * wm-editor.js: the visual editor's overlay inside the site's real page. Visitors never download
 * it: only wm-ui.js's preview path loads it (snippet/src/ui/preview.ts), on a page the dashboard
 * framed with ?wm_preview=1&wm_edit=1, from the origin that served wm-ui.js.
 *
 * Talk: one MessageChannel. On start the page posts {wm: 'editor-ready'} and the channel's port to
 * its parent with targetOrigin = the origin this script came from (the Waymark edge, which serves
 * the dashboard): any other parent gets nothing, and from then on only the holder of that port can
 * drive the editor, and only this document (not a page the frame navigates to) answers on it.
 *
 * Hover outlines an element; a click picks it (the page's own click handlers and links do not run
 * while picking) and proposes a stable selector (./selector.ts). Elements that may never be
 * targets (protocol/content/targets.ts) are outlined as refused and cannot be picked. Live
 * preview: slot content is rendered by the edge's own renderer and sanitizer
 * (protocol/content/render.ts) and put into the matching elements by DOM calls built from the
 * sanitized tokens, so the editor has no HTML sink at all (nothing for Trusted Types to refuse).
 * Styles only through the CSSOM (a strict CSP allows it). Nothing here throws into the page.
 */
import type { SlotContent } from '../../../protocol/config/personalization';
import type { ToDashboard, ToPage } from '../../../protocol/editor';
import { renderContent } from '../../../protocol/content/render';
import { tokenize } from '../../../protocol/content/sanitize';
import { proposeSelector, unpickable, type PickElement } from './selector';

type Box = HTMLDivElement;
const Z = '2147483647';
const COLORS = { hover: '#2563eb', refused: '#dc2626', picked: '#16a34a', match: '#f59e0b' };

/** Runs `f` so that nothing it throws reaches the page. */
const guard =
  <A extends unknown[]>(f: (...a: A) => unknown) =>
  (...a: A): void => {
    try {
      f(...a);
    } catch {
      /* never throw into the host page */
    }
  };

function box(color: string, dashed = false): Box {
  const b = document.createElement('div');
  b.setAttribute('data-wm-editor', '');
  const s = b.style;
  s.position = 'fixed';
  s.pointerEvents = 'none';
  s.zIndex = Z;
  s.boxSizing = 'border-box';
  s.border = `2px ${dashed ? 'dashed' : 'solid'} ${color}`;
  s.background = color + '1a';
  s.display = 'none';
  s.borderRadius = '2px';
  return b;
}

function place(b: Box, el: Element | null, label?: string): void {
  if (!el) {
    b.style.display = 'none';
    return;
  }
  const r = el.getBoundingClientRect();
  Object.assign(b.style, {
    display: 'block',
    left: `${r.left}px`,
    top: `${r.top}px`,
    width: `${Math.max(r.width, 4)}px`,
    height: `${Math.max(r.height, 4)}px`,
  });
  if (label !== undefined) {
    const tag = (b.firstChild as HTMLElement | null) || b.appendChild(document.createElement('span'));
    tag.textContent = label;
    Object.assign(tag.style, {
      position: 'absolute',
      left: '-2px',
      top: r.top > 22 ? '-22px' : '100%',
      font: '12px/18px system-ui,sans-serif',
      color: '#fff',
      background: b.style.borderColor,
      padding: '1px 6px',
      whiteSpace: 'nowrap',
      borderRadius: '2px',
    });
  }
}

/** The sanitized HTML as DOM nodes (no innerHTML: the tokens of already-safe HTML, built by hand). */
function nodesOf(html: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const open: Node[] = [out];
  for (const tok of tokenize(html)) {
    const top = open[open.length - 1]!;
    if (tok.kind === 'text') top.appendChild(document.createTextNode(tok.text));
    else if (tok.kind === 'start') {
      const el = document.createElement(tok.name);
      for (const [name, value] of tok.attrs) el.setAttribute(name, value);
      top.appendChild(el);
      if (!tok.selfClosing && !['br', 'hr', 'img'].includes(tok.name)) open.push(el);
    } else if (open.length > 1) open.pop();
  }
  return out;
}

const short = (s: string | null) => (s || '').replace(/\s+/g, ' ').trim().slice(0, 80);
const label = (el: Element) => el.localName + (el.id ? '#' + el.id : '');

function count(selector: string): { matches: number; error?: string } {
  try {
    return { matches: document.querySelectorAll(selector).length };
  } catch {
    return { matches: 0, error: 'not a selector this browser understands' };
  }
}

export function startEditor(scriptSrc: string): void {
  const origin = new URL(scriptSrc, location.href).origin;
  if (parent === window) return;
  const channel = new MessageChannel();
  const port = channel.port1;
  const send = (m: ToDashboard) => port.postMessage(m);

  const hover = box(COLORS.hover);
  const picked = box(COLORS.picked);
  let matchBoxes: Box[] = [];
  const layer = document.createElement('div');
  layer.setAttribute('data-wm-editor', '');
  layer.append(hover, picked);
  document.documentElement.appendChild(layer);

  let picking = true;
  let hovered: Element | null = null;
  let current: Element | null = null;
  /** Elements picked before a Widen, so Narrow goes back down the same path. */
  let narrower: Element[] = [];
  let slots: { id: string; selector?: string }[] = [];
  /** Elements showing a live preview, and their own content to restore. */
  const previews = new Map<Element, Node[]>();
  let outlined = '';

  const ours = (el: Element | null) => !!el && !!el.closest('[data-wm-editor]');
  const root = () => document.documentElement as unknown as PickElement;

  const outline = (selector: string) => {
    outlined = selector;
    matchBoxes.forEach((b) => b.remove());
    matchBoxes = [];
    let els: Element[] = [];
    try {
      els = selector ? [...document.querySelectorAll(selector)].slice(0, 50) : [];
    } catch {
      /* counted as an error by count() */
    }
    for (const el of els) {
      if (el === current) continue;
      const b = box(COLORS.match, true);
      layer.appendChild(b);
      place(b, el);
      matchBoxes.push(b);
    }
  };

  const slotOf = (el: Element): string | null => {
    const own = el.getAttribute('data-wm-slot');
    if (own) return own;
    for (const s of slots) {
      try {
        if (s.selector && el.matches(s.selector)) return s.id;
      } catch {
        /* a selector this browser does not understand: not this slot */
      }
    }
    return null;
  };

  const pick = (el: Element) => {
    const why = unpickable(el as unknown as PickElement);
    if (why) return send({ t: 'refused', tag: el.localName, reason: why });
    const p = proposeSelector(el as unknown as PickElement, root());
    if (!p.ok) return send({ t: 'refused', tag: el.localName, reason: p.reason });
    current = el;
    const matches = count(p.selector).matches;
    place(picked, el, `${label(el)} · ${matches === 1 ? '1 match' : `${matches} matches`}`);
    outline(p.selector);
    const parentEl = el.parentElement;
    send({
      t: 'picked',
      selector: p.selector,
      matches,
      tag: el.localName,
      text: short(el.textContent),
      slot: slotOf(el),
      canWiden: !!parentEl && !unpickable(parentEl as unknown as PickElement),
      canNarrow: narrower.length > 0 || [...el.children].some((c) => !unpickable(c as unknown as PickElement) && !ours(c)),
    });
  };

  const fromEvent = (e: Event): Element | null => {
    const t = e.target;
    return t instanceof Element && !ours(t) ? t : null;
  };

  addEventListener(
    'mouseover',
    guard((e: MouseEvent) => {
      if (!picking) return;
      hovered = fromEvent(e);
      if (!hovered) return;
      const refused = unpickable(hovered as unknown as PickElement);
      hover.style.borderColor = refused ? COLORS.refused : COLORS.hover;
      hover.style.background = (refused ? COLORS.refused : COLORS.hover) + '1a';
      place(hover, hovered, refused ? `${hovered.localName}: cannot be picked` : label(hovered));
    }),
    true,
  );
  // While picking, a click picks: the page's links, buttons and handlers do not see it.
  const swallow = guard((e: Event) => {
    if (!picking || !fromEvent(e)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  });
  for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'auxclick', 'dblclick', 'submit']) addEventListener(type, swallow, true);
  addEventListener(
    'click',
    guard((e: MouseEvent) => {
      const el = fromEvent(e);
      if (!picking || !el) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      narrower = [];
      pick(el);
    }),
    true,
  );
  const replace = guard(() => {
    place(hover, picking ? hovered : null);
    if (current) place(picked, current);
    if (outlined) outline(outlined);
  });
  addEventListener('scroll', replace, true);
  addEventListener('resize', replace);

  const show = (selector: string, content: SlotContent | null) => {
    previews.forEach((own, el) => el.replaceChildren(...own));
    previews.clear();
    let filled = 0;
    if (content && selector) {
      const html = renderContent(content);
      let els: Element[] = [];
      try {
        els = [...document.querySelectorAll(selector)];
      } catch {
        /* nothing to fill */
      }
      for (const el of els) {
        // The same safe-target rule the edge and wm-ui.js apply at render.
        if (unpickable(el as unknown as PickElement) || ours(el)) continue;
        previews.set(el, [...el.childNodes]);
        el.replaceChildren(nodesOf(html));
        filled++;
      }
    }
    send({ t: 'shown', selector, filled });
    replace();
  };

  port.onmessage = guard((e: MessageEvent) => {
    const m = e.data as ToPage;
    if (!m || typeof m !== 'object') return;
    if (m.t === 'picking') {
      picking = !!m.on;
      if (!picking) place(hover, null);
    } else if (m.t === 'slots') slots = Array.isArray(m.slots) ? m.slots : [];
    else if (m.t === 'select' && typeof m.selector === 'string') {
      const c = count(m.selector);
      let first: Element | null = null;
      try {
        first = m.selector ? document.querySelector(m.selector) : null;
      } catch {
        /* counted as an error */
      }
      current = first;
      place(picked, first, first ? `${label(first)} · ${c.matches === 1 ? '1 match' : `${c.matches} matches`}` : undefined);
      outline(m.selector);
      if (first) first.scrollIntoView({ block: 'center' });
      send({ t: 'count', selector: m.selector, ...c });
    } else if (m.t === 'widen' && current) {
      const up = current.parentElement;
      if (up && !unpickable(up as unknown as PickElement)) {
        narrower.push(current);
        pick(up);
      }
    } else if (m.t === 'narrow' && current) {
      const down = narrower.pop() || [...current.children].find((c) => !unpickable(c as unknown as PickElement) && !ours(c));
      if (down) pick(down);
    } else if (m.t === 'show') show(String(m.selector || ''), m.content);
  });
  parent.postMessage({ wm: 'editor-ready' }, origin, [channel.port2]);
}

// Our own URL is known only while this file first runs.
const me = document.currentScript as HTMLScriptElement | null;
const w = window as unknown as Record<string, unknown>;
if (me && !w['wmEd']) {
  w['wmEd'] = 1;
  guard(startEditor)(me.src);
}
