/**
 * Declarative capture from HTML attributes, by delegated capture-phase listeners on document
 * (the caller's `listen` swallows errors, e.g. a click whose target is not an Element):
 *   data-wm-track="name"   click -> track(name, props); props are the element's
 *                          data-wm-props='{"sku":"x","price":9}' JSON (ignored when not JSON).
 *   data-wm-pref="key"     change -> prefs {key: value}; checkboxes sharing a key form a group
 *                          (array of checked values), a lone checkbox is a boolean.
 *   data-wm-form="name"    submit -> track('form_submit', {form, fields}); secrets never read.
 */
import { fieldValue, formFields, type Field } from './fields';
import { json } from './storage';

type Listen = (t: EventTarget, type: string, f: (e: Event) => void) => void;
type Target = HTMLElement & Field & { elements: Iterable<Field> };

/** `wm` is the snippet's own command function: captured events go through it like site calls. */
export function capture(wm: (c: string, a: unknown, b?: unknown) => void, listen: Listen): void {
  const on = (type: string, f: (t: Target) => void) => listen(document, type, (e) => f(e.target as Target));
  on('click', (t) => {
    const el = t.closest<HTMLElement>('[data-wm-track]');
    if (el) wm('track', el.dataset.wmTrack, json(el.dataset.wmProps));
  });
  on('change', (t) => {
    const k = t.dataset.wmPref;
    if (k) wm('prefs', { [k]: fieldValue(t, [...document.querySelectorAll<Target>(`[data-wm-pref="${CSS.escape(k)}"]`)]) });
  });
  on('submit', (t) => {
    const form = t.dataset.wmForm;
    if (form) wm('track', 'form_submit', { form, fields: formFields([...t.elements]) });
  });
}
