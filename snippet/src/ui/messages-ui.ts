/**
 * In-app messages on the page (banner, toast, modal, survey: one at a time; inline: in the page's
 * flow). The choices are ./messages.ts; this is the DOM:
 *
 *   - each message gets its own host, <div data-wm-message="id">, with an open shadow root styled
 *     by a constructable stylesheet (adoptedStyleSheets): no <style>, no style attribute, so a
 *     strict CSP allows it; where constructable stylesheets are missing it shows unstyled;
 *   - all decision text goes in through textContent; a CTA link only with a safe href;
 *   - modal and survey are dialogs (role="dialog", aria-modal, labelled by their title): focus
 *     moves in, Tab and Shift-Tab cycle inside, Esc or the backdrop closes, and focus goes back to
 *     where it was. Banner, toast and inline are labelled regions. Everything has a Close button;
 *   - a survey's answer replaces the body with its thank-you (survey.thanks, localized by the edge or
 *     ./locale.ts), else DEFAULT_THANKS;
 *   - recorded through the core (wm('track', …)): message_impression, message_click,
 *     message_dismiss, survey_answer (after the answer itself as a zero-party pref);
 *   - triggers: load, time (seconds since navigation), scroll (percent), exit (pointer leaves
 *     through the top of the window, desktop pointers only), event (the page's wm('track', name):
 *     window.wm is wrapped once, own properties such as `v` kept; and clicks on [data-wm-track],
 *     which the core captures without going through window.wm);
 *   - a message shows once per page and, through sessionStorage (wm_msgs:<site>, the shown ids),
 *     once per browser session. Across sessions the edge's frequency caps decide.
 * Each collect response carries the complete set: a message it no longer lists stops waiting
 * for its trigger (one on screen stays). Themeable from the page: --wm-accent, --wm-bg, --wm-fg.
 */
import type { MessageDecision } from '../../../protocol/wire';
import { json } from '../storage';
import { due, overlay, safeHref, scrolled, timers, validMessages } from './messages';
import { langs, localMessage } from './locale';
import { DEFAULT_THANKS } from '../../../protocol/locale';
import { insertable } from './slots';

type Wm = ((...a: unknown[]) => void) & Record<string, unknown>;
type Guard = <A extends unknown[]>(f: (...a: A) => unknown) => (...a: A) => void;
type Open = { m: MessageDecision; close: (dismiss?: boolean) => void; card: HTMLElement; root: ShadowRoot };

const A = 'var(--wm-accent,#2563eb)';
const CSS =
  ':host{all:initial;display:block}' +
  `.w{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--wm-fg,#111827);-webkit-font-smoothing:antialiased}` +
  '.w *{box-sizing:border-box;font:inherit;color:inherit;margin:0}' +
  '.c{position:relative;background:var(--wm-bg,#fff);border-radius:14px;padding:18px 48px 18px 20px;box-shadow:0 12px 40px rgba(15,23,42,.18),0 2px 6px rgba(15,23,42,.08)}' +
  '.c:focus{outline:none}' +
  '.t{font-size:17px;font-weight:650;line-height:1.3;margin-bottom:4px}' +
  '.b{opacity:.8}' +
  `.a,.o button{display:inline-block;margin-top:14px;padding:9px 16px;border:0;border-radius:9px;background:${A};color:#fff;font-weight:600;text-decoration:none;cursor:pointer}` +
  '.a:hover{filter:brightness(1.1)}' +
  '.x{position:absolute;top:10px;right:10px;width:30px;height:30px;border:0;border-radius:8px;background:none;font-size:20px;line-height:1;cursor:pointer;opacity:.6}' +
  '.x:hover{opacity:1;background:rgba(127,127,127,.15)}' +
  `:focus-visible{outline:2px solid ${A};outline-offset:2px}` +
  '.banner,.toast,.modal,.survey{position:fixed;z-index:2147483000}' +
  '.banner{top:0;left:0;right:0}' +
  '.banner .c{display:flex;flex-wrap:wrap;align-items:center;justify-content:center;gap:2px 14px;border-radius:0;padding:10px 56px;box-shadow:0 2px 12px rgba(15,23,42,.15)}' +
  '.banner .t{margin:0;font-size:15px}.banner .a{margin:0;padding:6px 14px}.banner .x{top:50%;margin-top:-15px}' +
  '.toast{right:16px;bottom:16px;width:min(360px,calc(100vw - 32px))}' +
  '.modal,.survey{inset:0;display:grid;place-items:center;padding:16px;background:rgba(15,23,42,.55)}' +
  '.modal .c,.survey .c{width:min(440px,100%);padding:28px}' +
  '.modal .t,.survey .t{font-size:21px;padding-right:20px;margin-bottom:8px}' +
  '.o{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}' +
  `.o button{margin-top:8px;background:none;color:${A};box-shadow:inset 0 0 0 1.5px currentColor}` +
  `.o button:hover{background:${A};color:#fff}` +
  '.inline .c{box-shadow:none;border:1px solid rgba(127,127,127,.3);margin:12px 0}' +
  '@media (prefers-reduced-motion:no-preference){.c{animation:i .25s cubic-bezier(.2,.8,.2,1)}.modal,.survey{animation:f .2s}}' +
  '@keyframes i{from{opacity:0;transform:translateY(10px) scale(.98)}}@keyframes f{from{opacity:0}}';

let sheet: CSSStyleSheet | undefined;

/**
 * Mounts the renderer; returns what to call with each complete set of decisions (`stop`: consent
 * gone, clear all). `preview` (the dashboard's live preview, ./preview.ts): each call replaces
 * what is shown, nothing is recorded (`core` does nothing) or remembered, window.wm is left alone.
 */
export function messages(core: Wm, site: string, guard: Guard, preview?: 1): (list: unknown, stop?: boolean) => void {
  const w = window as unknown as Record<string, unknown>;
  const d = document;
  const key = 'wm_msgs:' + site;
  const session = (v?: string): string | null | void => {
    try {
      if (!preview) return v ? sessionStorage.setItem(key, v) : sessionStorage.getItem(key);
    } catch {
      /* blocked: once per page only */
    }
  };
  const stored = json<unknown[]>(session());
  /** Shown on this page or earlier in this session. */
  const done = new Set<string>(Array.isArray(stored) ? stored.filter((s): s is string => typeof s == 'string') : []);
  const events = new Set<string>();
  let list: MessageDecision[] = [];
  let scroll = 0;
  let timed: ReturnType<typeof setTimeout>[] = [];
  /** The overlay on screen. */
  let top: Open | undefined;
  const shown = new Set<Open>();
  const track = (name: string, m: MessageDecision, value?: string) =>
    core('track', name, value == null ? { message: m.id, variant: m.variant } : { message: m.id, variant: m.variant, value });

  const check = guard((exit?: boolean) => {
    for (const m of due(list, done, { ms: performance.now(), scroll, exit: !!exit, events }, !!top)) show(m);
  });
  const clear = () => (timed.forEach(clearTimeout), (timed = []));

  function show(m: MessageDecision): void {
    let at: Element | null = d.body || d.documentElement;
    if (!overlay(m))
      try {
        at = d.querySelector(m.target!);
        if (!at || !insertable(at)) return;
      } catch {
        return;
      }
    const modal = m.type == 'modal' || m.type == 'survey';
    const host = d.createElement('div');
    host.setAttribute('data-wm-message', m.id);
    const root = host.attachShadow({ mode: 'open' });
    try {
      if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      /* no constructable stylesheets: unstyled, but there */
    }
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent: Node, text?: string) => {
      const e = parent.appendChild(d.createElement(tag));
      e.className = cls;
      if (text != null) e.textContent = text;
      return e;
    };
    const wrap = el('div', 'w ' + m.type, root);
    // Localized text says its language and direction (an Arabic message runs right to left).
    if (m.lang) ((wrap.lang = m.lang), (wrap.dir = m.dir || ''));
    const card = el('div', 'c', wrap);
    const x = el('button', 'x', card, '\u00d7');
    const title = m.title ? el('h2', 't', card, m.title) : undefined;
    const body = el('p', 'b', card, m.body);
    const attr = (e: Element, ...kv: string[]) => {
      for (let i = 0; i < kv.length; i += 2) e.setAttribute(kv[i]!, kv[i + 1]!);
    };
    x.type = 'button';
    attr(x, 'aria-label', 'Close');
    if (title) title.id = 't';
    body.id = 'b';
    if (modal) attr(card, 'role', 'dialog', 'aria-modal', 'true', 'aria-labelledby', title ? 't' : 'b', 'tabindex', '-1');
    else attr(card, 'role', m.type == 'toast' ? 'status' : 'region', 'aria-label', m.title || 'Message');

    const prev = d.activeElement as HTMLElement | null;
    const open: Open = {
      m,
      card,
      root,
      close: guard((dismiss?: boolean) => {
        if (!shown.delete(open)) return;
        host.remove();
        if (dismiss) track('message_dismiss', m);
        if (top == open) {
          top = undefined;
          if (modal && prev && prev.isConnected && prev.focus) prev.focus();
          // An overlay that fired meanwhile shows now.
          check();
        }
      }),
    };
    x.onclick = () => open.close(true);

    const cta = m.cta;
    if (cta && safeHref(cta.href)) {
      const a = el('a', 'a', card, cta.text);
      a.href = cta.href;
      a.onclick = guard(() => (track('message_click', m), open.close()));
    }
    const s = m.type == 'survey' && m.survey;
    if (s) {
      const opts = el('div', 'o', card);
      for (const o of s.options)
        el('button', '', opts, o.label).onclick = guard(() => {
          core('prefs', { [s.pref]: o.value });
          track('survey_answer', m, o.value);
          opts.remove();
          body.textContent = s.thanks || DEFAULT_THANKS;
          card.focus();
          setTimeout(open.close, 1600);
        });
    }
    // A listener, not onclick: an onclick returning false would cancel the CTA's navigation.
    if (modal) wrap.addEventListener('click', (e) => e.target == wrap && open.close(true));

    done.add(m.id);
    session(JSON.stringify([...done]));
    shown.add(open);
    if (overlay(m)) top = open;
    at!.appendChild(host);
    // A dialog takes the focus, except from a page that frames this one and has it (the
    // dashboard's live preview: a marketer typing in the editor keeps their field).
    if (modal && (self == parent || d.hasFocus())) card.focus();
    track('message_impression', m);
  }

  // Focus trap and Esc for the dialog on screen (capture: the page's own handlers come after).
  d.addEventListener(
    'keydown',
    guard((e: KeyboardEvent) => {
      const o = top;
      if (!o || !/^(modal|survey)$/.test(o.m.type)) return;
      if (e.key == 'Escape') o.close(true);
      else if (e.key == 'Tab') {
        e.preventDefault();
        const f = [...o.card.querySelectorAll<HTMLElement>('button,a[href]')];
        const i = f.indexOf(o.root.activeElement as HTMLElement);
        const n = f.length;
        const next = f[i < 0 ? (e.shiftKey ? n - 1 : 0) : (i + (e.shiftKey ? n - 1 : 1)) % n];
        if (next) next.focus();
      }
    }),
    true,
  );

  // Triggers.
  const fire = guard((name: unknown) => typeof name == 'string' && (events.add(name), check()));
  const orig = w['wm'] as Wm;
  const wrapped = function (this: unknown, ...a: unknown[]) {
    orig.apply(this, a);
    if (a[0] == 'track') fire(a[1]);
  };
  if (!preview) w['wm'] = Object.assign(wrapped, orig);
  d.addEventListener(
    'click',
    guard((e: Event) => {
      const t = e.target as Element;
      const el = t && t.closest && t.closest<HTMLElement>('[data-wm-track]');
      if (el) fire(el.dataset['wmTrack']);
    }),
    true,
  );
  addEventListener(
    'scroll',
    guard(() => {
      const e = d.documentElement;
      scroll = Math.max(scroll, scrolled(scrollY, innerHeight, e.scrollHeight));
      check();
    }),
    { passive: true },
  );
  d.addEventListener(
    'mouseout',
    guard((e: MouseEvent) => !e.relatedTarget && e.clientY <= 0 && matchMedia('(hover:hover) and (pointer:fine)').matches && check(true)),
  );
  addEventListener('pagehide', clear);

  return (l, stop) => {
    // In the page's language when the decision carries it (./locale.ts), validated after.
    list = stop ? [] : validMessages(Array.isArray(l) ? l.map((m) => localMessage(m, langs())) : l);
    if (stop || preview) shown.forEach((o) => o.close());
    if (preview) done.clear();
    clear();
    const now = performance.now();
    for (const ms of timers(list, done, now)) timed.push(setTimeout(check, ms + 1));
    const e = d.documentElement;
    scroll = Math.max(scroll, scrolled(scrollY, innerHeight, e.scrollHeight));
    check();
  };
}
