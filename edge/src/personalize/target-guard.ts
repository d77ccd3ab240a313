/**
 * Proxy mode's render-time guard of slot targets (the rule is protocol/content/targets.ts): a
 * handler on every element feeds the tracker, so a fill handler registered after it knows whether
 * the element it is called for may be filled. It never trusts the config: a selector written by
 * hand into KV, `*`, or a `data-wm-slot` on a <script> all end here.
 *
 * HTMLRewriter calls the handlers of one element in the order they were registered (asserted by
 * edge/test/safe-targets.test.ts), so this must be registered before any fill handler.
 */
import { TargetTracker } from '../../../protocol/content/targets';

export type TargetGuard = { rewriter: HTMLRewriter; safe: () => boolean };

export function guardTargets(rewriter: HTMLRewriter): TargetGuard {
  const tracker = new TargetTracker();
  let current = false;
  const guarded = rewriter.on('*', {
    element(el) {
      const { safe, track } = tracker.start(el.tagName);
      current = safe && !el.removed;
      // <head> ends where the tracker says (at <body> or the first body element): its end tag
      // handler belongs to the snippet injection (an element keeps one end tag handler).
      if (!track || el.tagName.toLowerCase() === 'head') return;
      try {
        el.onEndTag((end) => tracker.end(end.name));
      } catch {
        // No end tag can come (a self-closing <svg/> or <math/>): it is complete already.
        tracker.end(el.tagName);
      }
    },
  });
  return { rewriter: guarded, safe: () => current };
}
