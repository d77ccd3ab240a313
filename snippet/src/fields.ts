/** Which form fields may be read, and how a field becomes a value. Pure: tested in Node. */
import type { PrefValue } from '../../protocol/wire';

/** The parts of a form control we look at (a plain object in tests). */
export type Field = { type: string; name: string; id: string; value: string; checked?: boolean; autocomplete?: string };

/**
 * One regex over "<type> autocomplete name id" (one test keeps the snippet small):
 * - types that are secret or files, and buttons (password is caught by "passw");
 * - autofill tokens cc-* and one-time-code (current-/new-password are caught by "passw"), as any
 *   token, since they may follow "section-x billing"; a name or id starting "cc-" is excluded too;
 * - names/ids (and autofill values) matching card|cc-?num|cvc|cvv|iban|ssn|passw|secret|token.
 */
const SECRET = /<(hidden|file|submit|button|reset|image)>|\s(cc-|one-time-code)|card|cc-?num|cvc|cvv|iban|ssn|passw|secret|token/i;

export const fieldOk = (f: Field): boolean => !SECRET.test(`<${f.type}> ${f.autocomplete} ${f.name} ${f.id}`);

/**
 * Value of a field; `group` is every control sharing its name (form) or data-wm-pref key (page).
 * Checkbox groups -> checked values, a lone checkbox -> boolean, anything else its value (a
 * select's is its first selected option).
 */
export function fieldValue(f: Field, group: readonly Field[]): PrefValue {
  const boxes = group.filter((g) => g.type == 'checkbox');
  return f.type != 'checkbox' ? f.value : boxes[1] ? boxes.filter((c) => c.checked).map((c) => c.value) : !!f.checked;
}

/** Fields of an opted-in form by name (or id), secrets filtered out; a radio group gives its checked value. */
export function formFields(els: readonly Field[]): Record<string, PrefValue> {
  const out: Record<string, PrefValue> = {};
  const key = (f: Field) => f.name || f.id;
  for (const f of els)
    if (key(f) && fieldOk(f) && (f.type != 'radio' || f.checked))
      out[key(f)] = fieldValue(
        f,
        els.filter((g) => key(g) == key(f)),
      );
  return out;
}
