/** The e-mail screen's logic: the settings as stored (with defaults), template edits, merge-field help. Pure. */
import type { EmailSettingsInput, EmailTemplate } from './api';

export const DEFAULT_SETTINGS = {
  templates: [] as EmailTemplate[],
  provider: 'cloudflare' as 'cloudflare' | 'resend',
  frequencyCap: { max: 3, days: 7 },
  addressField: { source: 'trait' as 'trait' | 'pref', key: 'email' },
  consentField: { source: 'pref' as 'trait' | 'pref', key: 'email_consent' },
};
export type Settings = typeof DEFAULT_SETTINGS & { sender?: { name: string; address: string }; unsubscribeOrigin?: string };

/** The site's e-mail settings with every default filled in (the config may have none). */
export function settingsOf(config: Record<string, unknown>): Settings {
  const stored = (config['email'] ?? {}) as Partial<Settings>;
  return { ...DEFAULT_SETTINGS, ...stored };
}

/** The settings with one template put (replacing the same id, or added) or removed. */
export function withTemplate(settings: Settings, template: EmailTemplate, replacing?: string): EmailSettingsInput {
  const others = settings.templates.filter((t) => t.id !== (replacing ?? template.id));
  const at = settings.templates.findIndex((t) => t.id === (replacing ?? template.id));
  const templates = [...others];
  templates.splice(at < 0 ? templates.length : at, 0, template);
  return { ...settings, templates };
}

export function withoutTemplate(settings: Settings, id: string): EmailSettingsInput {
  return { ...settings, templates: settings.templates.filter((t) => t.id !== id) };
}

export const blankTemplate = (): EmailTemplate => ({
  id: '',
  name: '',
  subject: 'Hi {{ traits.first_name | default: "there" }}',
  html: '<p>Hi {{ traits.first_name | default: "there" }},</p>\n<p>…</p>\n<p><small><a href="{{ unsubscribe_url }}">Unsubscribe</a></small></p>',
  text: 'Hi {{ traits.first_name | default: "there" }},\n\n…\n\nUnsubscribe: {{ unsubscribe_url }}',
});

/** Merge fields, for the help beside the editor (docs/email.md). */
export const MERGE_FIELDS: [string, string][] = [
  ['{{ traits.first_name }}', 'a trait (identify)'],
  ['{{ prefs.sport }}', 'a preference (wm("prefs", …))'],
  ['{{ user.id }}', 'the user id'],
  ['{{ site.name }}', 'the site’s name'],
  ['{{ unsubscribe_url }}', 'the signed one-click unsubscribe link'],
  ['{{ traits.first_name | default: "there" }}', 'a default when the profile has no value'],
];

/** "Visitor id" (22 characters) or a user id: what the preview box holds. */
export function profileQuery(value: string): { visitorId: string } | { userId: string } | Record<string, never> {
  const v = value.trim();
  if (!v) return {};
  return /^[A-Za-z0-9_-]{22}$/.test(v) ? { visitorId: v } : { userId: v };
}
