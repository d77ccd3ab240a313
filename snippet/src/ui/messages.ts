/**
 * In-app messages, the pure part: which decisions are usable, when a trigger has fired, which
 * messages show now (at most one overlay, the highest priority; inline ones independently) and
 * which links are safe. No DOM: tested in Node (snippet/src/ui/messages.test.ts). The DOM side
 * is ./messages-ui.ts.
 */
import type { MessageDecision, MessageTrigger } from '../../../protocol/wire';

/** Types drawn over the page: one at a time. `inline` goes into the page's flow instead. */
const OVERLAY = /^(banner|modal|toast|survey)$/;
export const overlay = (m: MessageDecision): boolean => OVERLAY.test(m.type);

/** http(s), a same-origin path (not //host nor /\host), mailto: or tel:. Anything else: no link. */
export const safeHref = (h: unknown): boolean => typeof h == 'string' && /^(https?:\/\/|\/(?![/\\])|mailto:|tel:)/i.test(h);

const str = (s: unknown): s is string => typeof s == 'string';
const num = (n: unknown): n is number => typeof n == 'number' && isFinite(n);

function trigger(t: unknown): boolean {
  const x = t as Partial<Record<string, unknown>> | null;
  if (!x || typeof x != 'object') return false;
  const on = x['on'];
  return on == 'load' || on == 'exit' || (on == 'time' ? num(x['seconds']) : on == 'scroll' ? num(x['percent']) : on == 'event' && str(x['name']));
}

/**
 * The message decisions in `list` that can be shown: a response could hold anything (another
 * protocol version, slot decisions), and only well-formed messages are used. A survey needs its
 * pref and at least one option, an inline message its target.
 */
export function validMessages(list: unknown): MessageDecision[] {
  return Array.isArray(list)
    ? list.filter((d): d is MessageDecision => {
        const m = d as Partial<Record<keyof MessageDecision, unknown>> | null;
        const s = m && (m.survey as MessageDecision['survey']);
        const cta = m && (m.cta as MessageDecision['cta']);
        return (
          !!m &&
          m.kind == 'message' &&
          str(m.id) &&
          !!m.id &&
          str(m.variant) &&
          str(m.body) &&
          num(m.priority) &&
          (m.title == null || str(m.title)) &&
          (cta == null || (typeof cta == 'object' && str(cta.text) && str(cta.href))) &&
          trigger(m.trigger) &&
          (m.type == 'inline'
            ? str(m.target)
            : m.type == 'survey'
              ? !!s &&
                str(s.pref) &&
                (s.thanks == null || str(s.thanks)) &&
                Array.isArray(s.options) &&
                !!s.options[0] &&
                s.options.every((o) => !!o && str(o.value) && str(o.label))
              : OVERLAY.test(m.type as string))
        );
      })
    : [];
}

/** What happened on this page so far. `exit` is true only while an exit is being handled. */
export type Seen = { ms: number; scroll: number; exit: boolean; events: ReadonlySet<string> };

/** Has `t` fired? Events count from when this page (wm-ui.js) saw them, before or after the decision came. */
export function fired(t: MessageTrigger, s: Seen): boolean {
  switch (t.on) {
    case 'load':
      return true;
    case 'time':
      return s.ms >= t.seconds * 1e3;
    case 'scroll':
      return s.scroll >= t.percent;
    case 'exit':
      return s.exit;
    case 'event':
      return s.events.has(t.name);
  }
}

/**
 * Percent of the page scrolled: the top of the viewport over the distance it can travel. A page
 * that does not scroll is seen whole (100).
 */
export const scrolled = (top: number, view: number, height: number): number =>
  height > view ? Math.min(100, (Math.max(0, top) / (height - view)) * 100) : 100;

/**
 * What to show now, of `list` (the latest complete set from the edge): messages not `done` (shown
 * on this page or earlier in this session) whose trigger fired. All inline ones; of the overlays,
 * the one with the highest priority (the edge's order on a tie), and none while `busy` (an overlay
 * is on screen; the others wait for it to close).
 */
export function due(list: readonly MessageDecision[], done: ReadonlySet<string>, seen: Seen, busy: boolean): MessageDecision[] {
  const ready = list.filter((m) => !done.has(m.id) && fired(m.trigger, seen));
  let top: MessageDecision | undefined;
  if (!busy) for (const m of ready) if (overlay(m) && (!top || m.priority > top.priority)) top = m;
  return ready.filter((m) => m == top || !overlay(m));
}

/** Delays (ms from now) at which a time trigger in `list` fires, for messages not yet `done`. */
export const timers = (list: readonly MessageDecision[], done: ReadonlySet<string>, now: number): number[] =>
  list.flatMap((m) => (m.trigger.on == 'time' && !done.has(m.id) ? [Math.max(0, m.trigger.seconds * 1e3 - now)] : []));
