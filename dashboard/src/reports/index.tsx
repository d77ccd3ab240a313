/**
 * The Reports tab: funnels, paths, retention, sources, message results and the live stream, one
 * sub-tab each (#/s/<site>/reports/<report>). Each report keeps its own inputs per site.
 */
import type { SiteConfig } from '../api';
import { PageHeader } from '../ui';
import { FunnelReportView } from './funnel';
import { LiveReportView } from './live';
import { MessagesReportView } from './messages';
import { PathsReportView } from './paths';
import { RetentionReportView } from './retention';
import { SourcesReportView } from './sources';

const REPORTS = [
  { id: 'funnel', label: 'Funnels', sub: 'Where visitors drop out between the steps you pick.', View: FunnelReportView },
  { id: 'paths', label: 'Paths', sub: 'What visitors do right after, or right before, a page or an event.', View: PathsReportView },
  { id: 'retention', label: 'Retention', sub: 'How many visitors come back, by the day or week they started.', View: RetentionReportView },
  { id: 'sources', label: 'Sources', sub: 'Where visitors come from, and which sources convert.', View: SourcesReportView },
  {
    id: 'messages',
    label: 'Messages',
    sub: 'How each message variant and each slot experiment converts, and its lift over the holdout.',
    View: MessagesReportView,
  },
  { id: 'live', label: 'Live', sub: 'Events as they arrive.', View: LiveReportView },
] as const;

export function Reports({ site, report }: { site: SiteConfig; report?: string | undefined }) {
  const current = REPORTS.find((r) => r.id === report) ?? REPORTS[0];
  const View = current.View;
  return (
    <>
      <PageHeader title={`Reports: ${current.label}`} sub={current.sub} />
      <nav class="subtabs" aria-label="Reports">
        {REPORTS.map((r) => (
          <a
            key={r.id}
            class={`subtab${r.id === current.id ? ' active' : ''}`}
            href={`#/s/${encodeURIComponent(site.id)}/reports/${r.id}`}
            aria-current={r.id === current.id ? 'page' : undefined}
          >
            {r.label}
          </a>
        ))}
      </nav>
      {/* keyed by site and report: switching resets each view's state and stops its polling */}
      <View key={`${site.id}:${current.id}`} site={site} />
    </>
  );
}
