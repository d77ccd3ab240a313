/** The admin API's QA links and "Preview as" (edge/src/qa/admin-routes.ts), through the dashboard's one client. */
import { call } from '../api';
import type { CreateQaLinkBody, PreviewBody, PreviewResponse, QaLinkResponse, QaLinksResponse } from '../../../protocol/qa';

const base = (site: string) => `/sites/${encodeURIComponent(site)}`;

export const qaApi = {
  links: (site: string) => call<QaLinksResponse>('GET', `${base(site)}/qa-links`),
  create: (site: string, body: CreateQaLinkBody) => call<QaLinkResponse>('POST', `${base(site)}/qa-links`, body),
  revoke: (site: string, id: string) => call<QaLinkResponse>('DELETE', `${base(site)}/qa-links/${encodeURIComponent(id)}`),
  preview: (site: string, body: PreviewBody) => call<PreviewResponse>('POST', `${base(site)}/preview`, body),
};
