/**
 * Proxy mode's render-time guard of slot targets (the rule is protocol/content/targets.ts). It
 * never trusts the config: a selector written by hand into KV, `*`, or a `data-wm-slot` on a
 * <script> all end here.
 *
 * Only the elements that matter are watched: the unsafe containers (NEVER_INSIDE: script, svg,
 * template, head, …) and <body> feed a TargetTracker, each with its end tag; a fill asks, for the
 * element it was called for, whether any of them is open. A '*' handler would work too, but it
 * calls into JavaScript twice for every element of the page (start and end tag): on a 100 KB page
 * that was most of the rewriter's CPU (bench/README.md, proxy section).
 *
 * <head> ends where browsers end it: at <body>, or at the first watched element or fill candidate
 * that does not belong in <head> (TargetTracker.start). An element that belongs in <head> but
 * stands after an implicit end of <head> that no watched element saw stays unfilled: errs safe.
 *
 * HTMLRewriter calls the handlers of one element in the order they were registered (asserted by
 * edge/test/safe-targets.test.ts), so this must be registered before any fill handler.
 */
import { FRAME_ELEMENTS, NEVER_INSIDE, TargetTracker, unsafeElement } from '../../../protocol/content/targets';

export type TargetGuard = { rewriter: HTMLRewriter; safe: (el: Element) => boolean };

const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
/** The watched elements: every unsafe container, and <body> (where <head> ends at the latest). */
const WATCHED = [...NEVER_INSIDE.split(','), ...FRAME_ELEMENTS.split(',').filter((name) => name === 'body')];
const WATCHED_LIST = WATCHED.join(',');

export function guardTargets(rewriter: HTMLRewriter): TargetGuard {
  const tracker = new TargetTracker();
  const watch: HTMLRewriterElementContentHandlers = {
    element(el) {
      const { track } = tracker.start(el.tagName);
      // <head>'s end tag handler belongs to the snippet injection (an element keeps one end tag
      // handler); the tracker ends <head> at <body> or the first element that does not belong there.
      if (!track || el.tagName.toLowerCase() === 'head') return;
      try {
        el.onEndTag((end) => tracker.end(end.name));
      } catch {
        // No end tag can come (a self-closing <svg/> or <math/>): it is complete already.
        tracker.end(el.tagName);
      }
    },
  };
  return {
    // One selector list, not one `.on` per name: each `.on` parses its selector on every page, and
    // the profile showed the 21 registrations beside HTMLRewriter's own setup (bench/README.md).
    rewriter: rewriter.on(WATCHED_LIST, watch),
    safe: (el) => {
      // An unsafe element is never filled (and, being watched, it was counted above already).
      if (el.removed || unsafeElement(el.tagName) || el.namespaceURI !== HTML_NAMESPACE) return false;
      // Not a container: start() only ends an open <head> where a browser would, and tracks nothing.
      return tracker.start(el.tagName).safe;
    },
  };
}
