/** The audiences calls of the admin API (protocol/audiences.ts; docs/audiences.md). */
import type { AudienceCount, CreateImportResponse, ExportFormat, ImportChunkResponse, ImportJob } from '../../../protocol/audiences';
import { API, call } from '../api';

const site$ = (site: string) => `/sites/${encodeURIComponent(site)}`;

export const audiencesApi = {
  count: (site: string, segment: string) => call<AudienceCount>('GET', `${site$(site)}/audiences/${encodeURIComponent(segment)}/count`),
  /** A plain link (the session cookie goes with it): the browser downloads the streamed file itself. */
  exportHref: (site: string, segment: string, format: ExportFormat, traits: string[]) =>
    `${API}${site$(site)}/audiences/${encodeURIComponent(segment)}/export?format=${format}${traits.length ? `&traits=${encodeURIComponent(traits.join(','))}` : ''}`,
  createImport: (site: string, body: { name: string; sha256: string; header: string[]; totalRows: number }) =>
    call<CreateImportResponse>('POST', `${site$(site)}/trait-imports`, body),
  sendChunk: (site: string, id: string, firstRow: number, rows: string[][]) =>
    call<ImportChunkResponse>('POST', `${site$(site)}/trait-imports/${encodeURIComponent(id)}/chunks`, { firstRow, rows }),
  job: (site: string, id: string) => call<ImportJob>('GET', `${site$(site)}/trait-imports/${encodeURIComponent(id)}`),
};
