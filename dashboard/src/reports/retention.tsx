/**
 * Cohort retention: visitors grouped by the day (or week) of their first cohort event, and the
 * share of each cohort that did the return event in each later period, as a heat grid.
 */
import type { RetentionQuery, RetentionReport } from '../../../protocol/analytics';
import type { SiteConfig } from '../api';
import { fmtInt, fmtPct } from '../charts/format';
import { ChartFrame } from '../charts/frame';
import { HeatTable, type HeatCell } from '../charts/heatmap';
import {
  frameState,
  fmtDay,
  isRangeId,
  isRecord,
  isStepDraft,
  problemOf,
  InlineSelect,
  RangeField,
  rangeFrom,
  StepInput,
  stepPhrase,
  SuggestionLists,
  toStep,
  useQueryReport,
  useReportInputs,
  useSuggestions,
  type RangeId,
  type StepDraft,
} from './common';
import { reportsApi } from './api';

type Inputs = { cohort: StepDraft; back: StepDraft; period: 'day' | 'week'; periods: number; range: RangeId };
const DEFAULTS: Inputs = { cohort: { kind: 'page', value: '/*' }, back: { kind: 'page', value: '/*' }, period: 'day', periods: 8, range: '30d' };
const PERIODS = [
  ['day', 'Days'],
  ['week', 'Weeks'],
] as const;
const COLUMNS = [4, 8, 12, 14, 31].map((n) => [n, String(n)] as const);
const isInputs = (v: unknown): v is Inputs =>
  isRecord(v) &&
  isStepDraft(v['cohort']) &&
  isStepDraft(v['back']) &&
  (v['period'] === 'day' || v['period'] === 'week') &&
  typeof v['periods'] === 'number' &&
  isRangeId(v['range']);

export function RetentionReportView({ site }: { site: SiteConfig }) {
  const [inputs, set] = useReportInputs('retention', site, DEFAULTS, isInputs);
  const suggestions = useSuggestions(site);
  const cohort = toStep(inputs.cohort);
  const back = toStep(inputs.back);
  const query: RetentionQuery | null =
    'step' in cohort && 'step' in back
      ? { cohortEvent: cohort.step, returnEvent: back.step, period: inputs.period, periods: inputs.periods, from: rangeFrom(inputs.range) }
      : null;
  const report = useQueryReport(query, (q) => reportsApi.retention(site.id, q));
  const data = report.data;
  const cohortProblem = problemOf(cohort);
  const backProblem = problemOf(back);
  return (
    <>
      <section class="card report-form" aria-labelledby="retention-form-h">
        <h2 id="retention-form-h">Cohorts</h2>
        <SuggestionLists s={suggestions} prefix="retention" />
        <div class="grid-2">
          <div class={`field${cohortProblem ? ' invalid' : ''}`}>
            <span class="label">Cohort: first time a visitor did</span>
            <StepInput label="Cohort event" draft={inputs.cohort} onChange={(c) => set({ cohort: c })} listPrefix="retention" problem={cohortProblem} />
            {cohortProblem ? <p class="field-errors">{cohortProblem}</p> : null}
          </div>
          <div class={`field${backProblem ? ' invalid' : ''}`}>
            <span class="label">Came back: did</span>
            <StepInput label="Return event" draft={inputs.back} onChange={(b) => set({ back: b })} listPrefix="retention" problem={backProblem} />
            {backProblem ? <p class="field-errors">{backProblem}</p> : null}
          </div>
        </div>
        <div class="report-controls">
          <InlineSelect id="retention-period" label="Period" value={inputs.period} options={PERIODS} onChange={(period) => set({ period })} />
          <InlineSelect id="retention-periods" label="Columns" value={inputs.periods} options={COLUMNS} onChange={(periods) => set({ periods })} />
          <RangeField id="retention-range" label="Cohorts from" value={inputs.range} onChange={(range) => set({ range })} />
        </div>
        <p class="hint">Periods are UTC days, or weeks starting on Monday (UTC). Column 0 is the cohort’s own {inputs.period}.</p>
      </section>

      <ChartFrame
        title="Retention"
        what="retention"
        sub={
          query
            ? `Visitors grouped by the ${inputs.period} of their first ${stepPhrase(query.cohortEvent!).replace(/^an? /, '')}; each cell is the share who did ${stepPhrase(query.returnEvent!)} that many ${inputs.period}s later.`
            : undefined
        }
        {...frameState(report, data, !!query)}
        idle={!query ? 'Fill in both events to see retention.' : undefined}
        empty={data && !data.cohorts.length ? 'No cohorts in the range' : false}
        emptyHint={<p>No visitor did the cohort event for the first time in the range.</p>}
      >
        {data ? <RetentionGrid data={data} periods={inputs.periods} /> : null}
      </ChartFrame>
    </>
  );
}

function RetentionGrid({ data, periods }: { data: RetentionReport; periods: number }) {
  const unit = data.period === 'day' ? 'Day' : 'Week';
  const n = Math.max(periods, ...data.cohorts.map((c) => c.returned.length));
  const columns = Array.from({ length: n }, (_, i) => `${unit} ${i}`);
  const cell = (returned: number | null | undefined, size: number, label: string, i: number): HeatCell =>
    returned === null || returned === undefined
      ? null
      : {
          share: size ? returned / size : 0,
          text: fmtPct(size ? returned / size : 0, 0),
          sub: fmtInt(returned),
          title: `${label}, ${unit.toLowerCase()} ${i}: ${fmtInt(returned)} of ${fmtInt(size)} (${fmtPct(size ? returned / size : 0)})`,
        };
  // All cohorts together: each period over the cohorts that have reached it (weighted by size).
  const total = data.cohorts.reduce((s, c) => s + c.size, 0);
  const overall = columns.map((_, i) => {
    const reached = data.cohorts.filter((c) => c.returned[i] !== null && c.returned[i] !== undefined);
    if (!reached.length) return null;
    const size = reached.reduce((s, c) => s + c.size, 0);
    return cell(
      reached.reduce((s, c) => s + (c.returned[i] ?? 0), 0),
      size,
      'All cohorts',
      i,
    );
  });
  const rows = [
    { key: 'all', head: <strong>All cohorts</strong>, extra: [<strong>{fmtInt(total)}</strong>], cells: overall },
    ...data.cohorts.map((c) => {
      const label = data.period === 'day' ? fmtDay(c.start) : `Week of ${fmtDay(c.start)}`;
      return { key: c.start, head: label, extra: [fmtInt(c.size)], cells: columns.map((_, i) => cell(c.returned[i], c.size, label, i)) };
    }),
  ];
  return (
    <>
      <HeatTable
        caption={`Retention by ${data.period}: share and count of each cohort who came back`}
        corner="Cohort"
        extraColumns={['Visitors']}
        columns={columns}
        rows={rows}
      />
      <p class="hint chart-foot">Each cell: the share of the cohort, and below it the number of visitors. Empty cells are periods that have not begun yet.</p>
    </>
  );
}
