/**
 * The report endpoints (/_wm/admin/api/sites/:site/analytics/…), typed by protocol/analytics.ts.
 * Kept beside the reports (not in ../api.ts) so the shared client file stays small; it uses the
 * same `call` (session cookie, CSRF header, ApiError with per-field issues).
 */
import { call } from '../api';
import type {
  FunnelQuery,
  FunnelReport,
  MessagesQuery,
  MessagesReport,
  OverviewReport,
  PathsQuery,
  PathsReport,
  RetentionQuery,
  RetentionReport,
  SourcesQuery,
  SourcesReport,
  StreamReport,
} from '../../../protocol/analytics';

const base = (site: string) => `/sites/${encodeURIComponent(site)}/analytics`;

export const reportsApi = {
  funnel: (site: string, q: FunnelQuery) => call<FunnelReport>('POST', `${base(site)}/funnel`, q),
  paths: (site: string, q: PathsQuery) => call<PathsReport>('POST', `${base(site)}/paths`, q),
  retention: (site: string, q: RetentionQuery) => call<RetentionReport>('POST', `${base(site)}/retention`, q),
  sources: (site: string, q: SourcesQuery) => call<SourcesReport>('POST', `${base(site)}/sources`, q),
  messages: (site: string, q: MessagesQuery) => call<MessagesReport>('POST', `${base(site)}/messages`, q),
  overview: (site: string, minutes = 30) => call<OverviewReport>('GET', `${base(site)}/overview?minutes=${minutes}`),
  stream: (site: string, after?: number, limit = 100) =>
    call<StreamReport>('GET', `${base(site)}/stream?${after !== undefined ? `after=${after}&` : ''}limit=${limit}`),
};
