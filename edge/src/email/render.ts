/**
 * E-mail templates → the subject, HTML and text of one e-mail for one profile. Pure.
 *
 * Merge fields (docs/email.md): `{{ traits.first_name }}`, `{{ prefs.plan }}`, `{{ user.id }}`,
 * `{{ site.id }}`, `{{ site.name }}`, `{{ unsubscribe_url }}`, each with an optional default:
 * `{{ traits.first_name | default: "there" }}`. A field the profile lacks renders its default, or
 * nothing; a tag that is not a merge field renders nothing: the raw `{{ … }}` never reaches a reader.
 *
 * Escaping by context: the subject loses CR, LF and other control characters (no header
 * injection); the text part takes values as they are (it is text/plain); in the HTML body every
 * value is escaped for HTML (text or a quoted attribute alike), and the merged HTML then goes
 * through the sanitizer every marketer HTML goes through (protocol/content/sanitize.ts: no script,
 * no event handlers, no javascript: URLs, whatever the template or a value brings).
 */
import { escapeAttr, sanitizeHtml } from '../../../protocol/content/sanitize';
import type { EmailTemplate } from '../../../protocol/config/email';

/** What a template may read. Values are a profile's traits and prefs as stored. */
export type MergeData = {
  traits: Readonly<Record<string, unknown>>;
  prefs: Readonly<Record<string, unknown>>;
  userId: string | null;
  site: { id: string; name: string };
  unsubscribeUrl: string;
};

export type RenderedEmail = { subject: string; html: string; text: string };

/** `{{ path }}` or `{{ path | default: "value" }}` (single or double quotes); anything else between braces is not a field. */
const TAG = /\{\{([\s\S]*?)\}\}/g;
const FIELD = /^\s*([A-Za-z_][\w.-]{0,200})\s*(?:\|\s*default\s*:\s*(?:"([^"]*)"|'([^']*)')\s*)?$/;

/** A stored value as text: strings as they are, numbers and booleans printed, anything else (objects, null) as nothing. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** The value of a merge path, or undefined when the profile has none (empty strings count as none). */
export function lookup(path: string, data: MergeData): string | undefined {
  const dot = path.indexOf('.');
  const head = dot < 0 ? path : path.slice(0, dot);
  const rest = dot < 0 ? '' : path.slice(dot + 1);
  const own = (record: Readonly<Record<string, unknown>>) => (Object.prototype.hasOwnProperty.call(record, rest) ? asText(record[rest]) : undefined);
  let value: string | undefined;
  if (head === 'traits' && rest) value = own(data.traits);
  else if (head === 'prefs' && rest) value = own(data.prefs);
  else if (path === 'user.id') value = data.userId ?? undefined;
  else if (path === 'site.id') value = data.site.id;
  else if (path === 'site.name') value = data.site.name;
  else if (path === 'unsubscribe_url') value = data.unsubscribeUrl;
  return value === '' ? undefined : value;
}

/** Replaces every tag with its value (or default, or nothing), each passed through `escape`. */
export function merge(template: string, data: MergeData, escape: (value: string) => string): string {
  return template.replace(TAG, (_tag, inner: string) => {
    const field = FIELD.exec(inner);
    if (!field) return '';
    const value = lookup(field[1]!, data) ?? field[2] ?? field[3] ?? '';
    return escape(value);
  });
}

/** No line breaks or other control characters in a header value; runs of space collapse. */
export function headerSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** HTML-escaped for text and for a quoted attribute value alike (single quotes too). */
const htmlValue = (value: string) => escapeAttr(value).replace(/'/g, '&#39;');

export function renderEmail(template: Pick<EmailTemplate, 'subject' | 'html' | 'text'>, data: MergeData): RenderedEmail {
  return {
    subject: headerSafe(merge(template.subject, data, (v) => v)).slice(0, 998),
    html: sanitizeHtml(merge(template.html, data, htmlValue)),
    // Plain text: a value's own line breaks are kept, NUL is not.
    text: merge(template.text, data, (v) => v).replace(/\0/g, ''),
  };
}

/** Merge paths a template uses (the dashboard's field help and the preview show them). */
export function mergePaths(template: Pick<EmailTemplate, 'subject' | 'html' | 'text'>): string[] {
  const paths = new Set<string>();
  for (const part of [template.subject, template.html, template.text]) {
    for (const m of part.matchAll(TAG)) {
      const field = FIELD.exec(m[1]!);
      if (field) paths.add(field[1]!);
    }
  }
  return [...paths];
}
