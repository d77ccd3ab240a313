/** The e-mail admin API (edge/src/email/admin-routes.ts), typed by protocol/email.ts. */
import { call, type SiteConfig } from '../api';
import type { SiteResponse } from '../../../protocol/admin';
import type {
  EmailLogResponse,
  EmailPreviewBody,
  EmailPreviewResponse,
  EmailTestResponse,
  ProviderStatus,
  SuppressionsResponse,
} from '../../../protocol/email';
import type { EmailSettingsInput } from '../../../protocol/config/email';

export type { EmailLogEntry, EmailPreviewResponse, ProviderStatus, Suppression } from '../../../protocol/email';
export type { EmailSettingsInput, EmailTemplate } from '../../../protocol/config/email';

const base = (site: string) => `/sites/${encodeURIComponent(site)}/email`;

export const emailApi = {
  putSettings: (site: string, settings: EmailSettingsInput, version: number) =>
    call<SiteResponse<SiteConfig>>('PUT', `${base(site)}/settings?version=${version}`, settings),
  preview: (site: string, body: EmailPreviewBody) => call<EmailPreviewResponse>('POST', `${base(site)}/preview`, body),
  test: (site: string, template: string, to: string) => call<EmailTestResponse>('POST', `${base(site)}/test`, { template, to }),
  deliveries: (site: string, limit = 100) => call<EmailLogResponse>('GET', `${base(site)}/deliveries?limit=${limit}`),
  suppressions: (site: string) => call<SuppressionsResponse>('GET', `${base(site)}/suppressions`),
  suppress: (site: string, address: string) => call<SuppressionsResponse>('POST', `${base(site)}/suppressions`, { address }),
  unsuppress: (site: string, address: string) => call<SuppressionsResponse>('DELETE', `${base(site)}/suppressions/${encodeURIComponent(address)}`),
  provider: (site: string) => call<ProviderStatus>('GET', `${base(site)}/provider`),
  setToken: (site: string, token: string) => call<ProviderStatus>('PUT', `${base(site)}/provider-token`, { token }),
  clearToken: (site: string) => call<ProviderStatus>('DELETE', `${base(site)}/provider-token`),
};
