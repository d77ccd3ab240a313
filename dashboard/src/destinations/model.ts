/**
 * The destinations screen's pure half: each kind's settings fields, the form a destination is
 * edited as, and the body a save sends (secrets only when typed: they are write-only).
 */
import { DESTINATION_SECRETS, type DestinationKind } from '../../../protocol/destinations-mapping';
import type { Json } from '../api';

/** `localOnly`: shown only when the dashboard itself runs on this machine (the local demo). */
export type SettingField = {
  key: string;
  label: string;
  options?: readonly string[];
  hint?: string;
  onlyWhen?: { key: string; value: string };
  localOnly?: boolean;
};

export const SETTING_FIELDS: Record<DestinationKind, SettingField[]> = {
  ga4: [
    { key: 'measurementId', label: 'Measurement ID', hint: 'G-… (Admin > Data streams > your web stream).' },
    { key: 'region', label: 'Collection endpoint', options: ['global', 'eu'], hint: 'eu sends to region1.google-analytics.com.' },
    {
      key: 'demoEndpoint',
      label: 'Local demo receiver (optional)',
      hint: 'Local development only: http://127.0.0.1:PORT/_wm/demo/ga4/mp/collect instead of Google. Leave empty to send to GA4.',
      localOnly: true,
    },
  ],
  mixpanel: [{ key: 'region', label: 'Data residency', options: ['us', 'eu', 'in'] }],
  posthog: [
    { key: 'region', label: 'PostHog cloud', options: ['us', 'eu', 'self-hosted'] },
    { key: 'host', label: 'Self-hosted host', hint: 'https://posthog.example.com (public https, no path).', onlyWhen: { key: 'region', value: 'self-hosted' } },
  ],
  segment: [{ key: 'region', label: 'Region', options: ['us', 'eu'] }],
  amplitude: [{ key: 'region', label: 'Data center', options: ['us', 'eu'] }],
  webhook: [{ key: 'url', label: 'URL', hint: 'A public https URL; signed per Standard Webhooks.' }],
};

export const SECRET_LABELS: Record<string, string> = {
  apiSecret: 'API secret',
  projectApiKey: 'Project API key',
  writeKey: 'Write key',
  apiKey: 'API key',
  signingSecret: 'Signing secret (whsec_…)',
};

export type DestinationForm = {
  id: string;
  name: string;
  kind: DestinationKind;
  enabled: boolean;
  settings: Record<string, string>;
  include: string;
  exclude: string;
  personalization: boolean;
  /** New secret values typed in this form (empty: keep the stored one). */
  secrets: Record<string, string>;
};

const DEFAULT_SETTINGS: Record<DestinationKind, Record<string, string>> = {
  ga4: { measurementId: '', region: 'global', demoEndpoint: '' },
  mixpanel: { region: 'us' },
  posthog: { region: 'us', host: '' },
  segment: { region: 'us' },
  amplitude: { region: 'us' },
  webhook: { url: '' },
};

export function blankForm(kind: DestinationKind = 'ga4'): DestinationForm {
  return { id: '', name: '', kind, enabled: true, settings: { ...DEFAULT_SETTINGS[kind] }, include: '', exclude: '', personalization: false, secrets: {} };
}

/** The form for a stored destination (settings as strings, filters as comma lists). */
export function formOf(d: Json): DestinationForm {
  const kind = d['kind'] as DestinationKind;
  const settings: Record<string, string> = { ...DEFAULT_SETTINGS[kind] };
  for (const [k, v] of Object.entries((d['settings'] ?? {}) as Record<string, unknown>)) if (typeof v === 'string') settings[k] = v;
  const filters = (d['filters'] ?? {}) as { events?: { include?: string[]; exclude?: string[] }; consent?: string[] };
  return {
    id: d['id'] as string,
    name: d['name'] as string,
    kind,
    enabled: d['enabled'] !== false,
    settings,
    include: (filters.events?.include ?? []).join(', '),
    exclude: (filters.events?.exclude ?? []).join(', '),
    personalization: (filters.consent ?? []).includes('personalization'),
    secrets: {},
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The PUT body: only the kind's settings (empty ones left out), filters, and the secrets typed. */
export function bodyOf(form: DestinationForm, baseVersion: number): Json {
  const settings: Record<string, string> = {};
  for (const field of SETTING_FIELDS[form.kind]) {
    const value = (form.settings[field.key] ?? '').trim();
    if (field.onlyWhen && form.settings[field.onlyWhen.key] !== field.onlyWhen.value) continue;
    if (value) settings[field.key] = value;
  }
  const secrets = Object.fromEntries(
    DESTINATION_SECRETS[form.kind].flatMap((name) => (form.secrets[name]?.trim() ? [[name, form.secrets[name]!.trim()]] : [])),
  );
  return {
    baseVersion,
    name: form.name.trim(),
    kind: form.kind,
    enabled: form.enabled,
    settings,
    filters: {
      events: { include: list(form.include), exclude: list(form.exclude) },
      consent: form.personalization ? ['analytics', 'personalization'] : ['analytics'],
    },
    ...(Object.keys(secrets).length ? { secrets } : {}),
  };
}

/** A slug from a name, for a new destination's id. */
export function idFrom(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'destination'
  );
}

/** "set ••••abcd", "set", or "not set". */
export function secretText(view: { set: boolean; last4: string | null } | undefined): string {
  if (!view?.set) return 'not set';
  return view.last4 ? `set ••••${view.last4}` : 'set';
}
