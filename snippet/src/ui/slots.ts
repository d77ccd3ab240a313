/**
 * Which page element shows which decision. Pure (the DOM comes in through `find` and `ok`), so it
 * is tested in Node: snippet/src/ui/slots.test.ts.
 */
import type { SlotDecision } from '../../../protocol/wire';
import { NEVER_INSIDE } from '../../../protocol/content/targets';

/** Slot ids are slugs (the edge's slugSchema), so they go into a selector without escaping. */
const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const SLOT = '[data-wm-slot]';
export const slotSelector = (id: string): string => `[data-wm-slot="${id}"]`;

/**
 * The slot decisions in `list` that can be applied: a response or a cache entry could hold
 * anything (an older or newer protocol, a corrupt entry), and only well-formed ones are used.
 */
export function valid(list: unknown): SlotDecision[] {
  return Array.isArray(list)
    ? list.filter(
        (d): d is SlotDecision =>
          !!d &&
          d.kind == 'slot' &&
          SLUG.test(d.id) &&
          typeof d.html == 'string' &&
          typeof d.segment == 'string' &&
          (d.selector == null || typeof d.selector == 'string'),
      )
    : [];
}

/**
 * Elements that must never receive decision HTML even if a selector matches them: the rule of
 * protocol/content/targets.ts (raw text, code, inert and foreign content, anything in <head>, and
 * <html> and <body> themselves), plus anything inside content we already filled (a decision whose
 * HTML holds a slot must not fill itself forever).
 */
const NEVER = `${NEVER_INSIDE},[data-wm-filled] *`;
export type Candidate = { localName: string; closest(selector: string): unknown };
export const insertable = (el: Candidate): boolean => !/^(html|body)$/i.test(el.localName) && !el.closest(NEVER);

/** Set on a filled element so client template engines (Vue, Angular) leave its content alone. */
export const NON_BINDABLE = ['v-pre', 'ngNonBindable'];

/**
 * Which element gets which decision. `find(selector)` lists the elements in scope matching a
 * CSS selector (it may throw on one the browser cannot parse: that decision's selector is then
 * skipped). An element's own data-wm-slot="id" wins over another decision's `selector`; among
 * selectors the first decision wins (the edge lists slots in the marketer's order).
 */
export function plan<E>(decisions: readonly SlotDecision[], find: (selector: string) => Iterable<E>, ok: (el: E) => boolean): Map<E, SlotDecision> {
  const out = new Map<E, SlotDecision>();
  const add = (selector: string, d: SlotDecision, force: boolean) => {
    try {
      for (const el of find(selector)) if ((force || !out.has(el)) && ok(el)) out.set(el, d);
    } catch {
      /* not a selector this browser parses */
    }
  };
  for (const d of decisions) if (d.selector) add(d.selector, d, false);
  for (const d of decisions) add(slotSelector(d.id), d, true);
  return out;
}
