/**
 * Traffic by first touch: visitors, page views and conversions (for a goal event) per source,
 * source / medium, or campaign, as bars and a table.
 */
import type { SourcesQuery } from '../../../protocol/analytics';
import type { SiteConfig } from '../api';
import { BarChart } from '../charts/bar';
import { fmtInt, fmtPct } from '../charts/format';
import { ChartFrame } from '../charts/frame';
import { Meter } from '../charts/meter';
import { barCol, DataTable, num } from '../charts/table';
import {
  frameState,
  isRangeId,
  isRecord,
  InlineSelect,
  RangeField,
  rangeFrom,
  SuggestionLists,
  useQueryReport,
  useReportInputs,
  useSuggestions,
  type RangeId,
} from './common';
import { reportsApi } from './api';
import { regroup, type GroupBy, type SourceRow as Row } from './model';

type Inputs = { goal: string; groupBy: GroupBy; range: RangeId };
const DEFAULTS: Inputs = { goal: '', groupBy: 'medium', range: '30d' };
const GROUPINGS = [
  ['source', 'Source'],
  ['medium', 'Source / medium'],
  ['campaign', 'Source / medium / campaign'],
] as const;
/** The most groups the API gives (its maximum). */
const LIMIT = 200;
const isInputs = (v: unknown): v is Inputs =>
  isRecord(v) &&
  typeof v['goal'] === 'string' &&
  (v['groupBy'] === 'source' || v['groupBy'] === 'medium' || v['groupBy'] === 'campaign') &&
  isRangeId(v['range']);

const rowLabel = (r: Row) => [r.source, r.medium, r.campaign].filter((x) => x !== null).join(' / ');

export function SourcesReportView({ site }: { site: SiteConfig }) {
  const [inputs, set] = useReportInputs('sources', site, DEFAULTS, isInputs);
  const suggestions = useSuggestions(site);
  const goal = inputs.goal.trim();
  const query: SourcesQuery = { ...(goal ? { goal } : {}), limit: LIMIT, from: rangeFrom(inputs.range) };
  const report = useQueryReport(query, (q) => reportsApi.sources(site.id, q));
  const data = report.data;
  const rows = data ? regroup(data.rows, inputs.groupBy) : [];
  return (
    <>
      <section class="card report-form" aria-labelledby="sources-form-h">
        <h2 id="sources-form-h">Traffic sources</h2>
        <SuggestionLists s={suggestions} prefix="sources" />
        <div class="report-controls">
          <div class="field inline">
            <label for="sources-goal">Goal event</label>
            <input
              id="sources-goal"
              list="sources-events"
              placeholder="optional, e.g. checkout_start"
              value={inputs.goal}
              onInput={(e) => set({ goal: e.currentTarget.value })}
              spellcheck={false}
              autocomplete="off"
            />
          </div>
          <InlineSelect id="sources-group" label="Group by" value={inputs.groupBy} options={GROUPINGS} onChange={(groupBy) => set({ groupBy })} />
          <RangeField id="sources-range" value={inputs.range} onChange={(range) => set({ range })} />
        </div>
        <p class="hint">
          A visitor belongs to their first touch: UTM source / medium / campaign if the first page view had them, else the referring site (medium “referral”),
          else “direct”.
        </p>
      </section>

      <ChartFrame
        title="Visitors by source"
        what="sources"
        sub={
          data
            ? `${fmtInt(rows.reduce((s, r) => s + r.visitors, 0))} visitors active in the range${data.goal ? `; conversions are visitors who did “${data.goal}”` : ''}.` +
              (data.rows.length >= LIMIT ? ` Only the ${LIMIT} largest source / medium / campaign groups are counted.` : '')
            : undefined
        }
        {...frameState(report, data)}
        empty={data && !rows.length ? 'No visitors in the range' : false}
        emptyHint={<p>Nobody visited in the selected range. Try a longer one.</p>}
      >
        {data ? <SourcesResult rows={rows} goal={data.goal} /> : null}
      </ChartFrame>
    </>
  );
}

const SOURCE_COLUMNS = ['Source', 'Medium', 'Campaign', num('Visitors'), num('Page views'), num('Conversions'), barCol('Conversion rate')];

function SourcesResult({ rows, goal }: { rows: Row[]; goal: string | null }) {
  const top = rows.slice(0, 12);
  const bars = top.map((r) => ({
    label: rowLabel(r),
    value: r.visitors,
    ...(goal ? { note: fmtPct(r.visitors ? r.conversions / r.visitors : 0) } : {}),
    describe: `${rowLabel(r)}: ${fmtInt(r.visitors)} visitors, ${fmtInt(r.pageViews)} page views${goal ? `, ${fmtInt(r.conversions)} converted (${fmtPct(r.visitors ? r.conversions / r.visitors : 0)})` : ''}.`,
  }));
  const maxRate = Math.max(0, ...rows.map((r) => (r.visitors ? r.conversions / r.visitors : 0)));
  return (
    <>
      <BarChart
        bars={bars}
        summary={`Visitors by source, ${rows.length} groups${rows.length > top.length ? ` (top ${top.length} drawn)` : ''}: ${top.map((r) => `${rowLabel(r)} ${fmtInt(r.visitors)}`).join(', ')}.`}
        valueLegend="Visitors"
      />
      {goal ? <p class="hint chart-foot">Above each bar: the share of its visitors who did “{goal}”.</p> : null}
      <DataTable class="table report-table sources-table" caption="Visitors, page views and conversions by source" columns={SOURCE_COLUMNS}>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.source}</th>
            <td>{r.medium ?? <span class="muted">all</span>}</td>
            <td>{r.campaign ?? <span class="muted">all</span>}</td>
            <td class="num">{fmtInt(r.visitors)}</td>
            <td class="num">{fmtInt(r.pageViews)}</td>
            <td class="num">{goal ? fmtInt(r.conversions) : '–'}</td>
            <td class="bar-col">
              {goal ? (
                <span class="meter-cell">
                  <Meter share={maxRate ? (r.visitors ? r.conversions / r.visitors : 0) / maxRate : 0} />
                  <span class="num">{fmtPct(r.visitors ? r.conversions / r.visitors : 0)}</span>
                </span>
              ) : (
                <span class="muted">pick a goal</span>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
