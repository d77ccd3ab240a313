/**
 * wm-more.js: what only some pages need, loaded by wm.js on demand (capture.ts says when):
 *   data-wm-pref="key"     change -> prefs {key: value}; checkboxes sharing a key form a group
 *                          (array of checked values), a lone checkbox is a boolean.
 *   data-wm-form="name"    submit -> track('form_submit', {form, fields}); secrets never read.
 * It talks to wm.js through `wm(…)` and `wm.m`: the array of events wm.js held until now, whose
 * `push` this replaces with its handler.
 */
import { fieldValue, formFields, type Field } from './fields';
import type { Wm } from './index';

type Target = HTMLElement & Field & { elements: Iterable<Field> };

const wm = window.wm as Wm;
function on(e: Event): void {
  const t = e.target as Target;
  const d = t.dataset;
  try {
    if (e.type == 'change') {
      const k = d.wmPref;
      if (k) wm('prefs', { [k]: fieldValue(t, [...document.querySelectorAll<Target>(`[data-wm-pref="${CSS.escape(k)}"]`)]) });
    } else if (d.wmForm) wm('track', 'form_submit', { form: d.wmForm, fields: formFields([...t.elements]) });
  } catch {
    /* a page whose DOM surprises us must not see our errors */
  }
}
// The array itself changes, not the property: wm-ui.js may have wrapped window.wm, copying `m`.
const held = wm && (wm.m as Event[] | undefined);
if (held) {
  held.forEach(on);
  held.push = on as unknown as Event[]['push'];
}
