/**
 * Declarative capture from HTML attributes, by delegated capture-phase listeners on window
 * (the caller's `listen` swallows errors, e.g. a click whose target is not an Element):
 *   data-wm-track="name"   click -> track(name, props); props are the element's
 *                          data-wm-props='{"sku":"x","price":9}' JSON (ignored when not JSON).
 *   data-wm-pref="key"     change -> prefs (wm-more.js: more.ts)
 *   data-wm-form="name"    submit -> track('form_submit', …) (wm-more.js: more.ts)
 * Clicks are on every page and often navigate, so they stay here. The field rules of choices and
 * forms (a third of wm.js) only pages with such elements need: wm.js loads wm-more.js when the
 * document has one (at boot and once parsed, index.ts), and hands it the change and submit events
 * of those elements, holding them until it runs (a form added later, then changed or sent).
 */
import { json } from './storage';

export type Listen = (type: string, f: (e: Event) => void) => void;

/** Elements whose events wm-more.js handles. */
export const MORE = '[data-wm-pref],[data-wm-form]';

/** `wm` is the snippet's own command function: captured events go through it like site calls. */
export function capture(wm: (c: string, a: unknown, b?: unknown) => void, listen: Listen, more: (e: Event) => void): void {
  listen('click', (e) => {
    const el = (e.target as Element).closest<HTMLElement>('[data-wm-track]');
    if (el) wm('track', el.dataset.wmTrack, json(el.dataset.wmProps));
  });
  const ours = (e: Event) => {
    const d = (e.target as HTMLElement).dataset;
    if (d.wmPref || d.wmForm) more(e);
  };
  listen('change', ours);
  listen('submit', ours);
}
