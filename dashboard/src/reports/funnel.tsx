/**
 * Funnel builder: ordered steps (events or page paths; add, remove, reorder), a time range and a
 * conversion window; per step the visitors, conversion from the start and from the step before,
 * the drop-off and the median time from the step before, as bars and as a table.
 */
import type { FunnelQuery, FunnelReport, Step } from '../../../protocol/analytics';
import type { SiteConfig } from '../api';
import { BarChart } from '../charts/bar';
import { fmtDuration, fmtInt, fmtPct } from '../charts/format';
import { ChartFrame } from '../charts/frame';
import { DataTable, num } from '../charts/table';
import {
  frameState,
  isRangeId,
  isRecord,
  isStepDraft,
  problemOf,
  InlineSelect,
  RangeField,
  rangeFrom,
  StepInput,
  stepName,
  SuggestionLists,
  toStep,
  useQueryReport,
  useReportInputs,
  useSuggestions,
  type RangeId,
  type StepDraft,
} from './common';
import { reportsApi } from './api';

const WINDOWS = [
  { id: '30m', label: '30 minutes' },
  { id: '1h', label: '1 hour' },
  { id: '1d', label: '1 day' },
  { id: '7d', label: '7 days' },
  { id: '14d', label: '14 days' },
  { id: '30d', label: '30 days' },
];
const MAX_STEPS = 10;

type Inputs = { steps: StepDraft[]; range: RangeId; window: string };
const DEFAULTS: Inputs = {
  steps: [
    { kind: 'page', value: '/*' },
    { kind: 'event', value: 'add_to_cart' },
    { kind: 'event', value: 'checkout_start' },
  ],
  range: '7d',
  window: '1d',
};
const isInputs = (v: unknown): v is Inputs =>
  isRecord(v) &&
  Array.isArray(v['steps']) &&
  v['steps'].every(isStepDraft) &&
  v['steps'].length >= 2 &&
  isRangeId(v['range']) &&
  WINDOWS.some((w) => w.id === v['window']);

export function FunnelReportView({ site }: { site: SiteConfig }) {
  const [inputs, set] = useReportInputs('funnel', site, DEFAULTS, isInputs);
  const suggestions = useSuggestions(site);
  const parsed = inputs.steps.map(toStep);
  const steps = parsed.flatMap((p) => ('step' in p ? [p.step] : []));
  const complete = steps.length === inputs.steps.length;
  const query: FunnelQuery | null = complete ? { steps, window: inputs.window, from: rangeFrom(inputs.range) } : null;
  const report = useQueryReport(query, (q) => reportsApi.funnel(site.id, q));

  const setStep = (i: number, d: StepDraft) => set({ steps: inputs.steps.map((s, j) => (j === i ? d : s)) });
  const move = (i: number, by: -1 | 1) => {
    const next = [...inputs.steps];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    set({ steps: next });
  };
  const remove = (i: number) => set({ steps: inputs.steps.filter((_, j) => j !== i) });
  const add = () => set({ steps: [...inputs.steps, { kind: 'event', value: '' }] });

  const data = report.data;
  const first = data?.steps[0]?.visitors ?? 0;
  const last = data?.steps[data.steps.length - 1];
  return (
    <>
      <section class="card report-form" aria-labelledby="funnel-form-h">
        <h2 id="funnel-form-h">Steps</h2>
        <SuggestionLists s={suggestions} prefix="funnel" />
        <ol class="step-list">
          {inputs.steps.map((d, i) => {
            const p = parsed[i]!;
            const problem = problemOf(p);
            return (
              <li key={i} class={`step-row${problem ? ' invalid' : ''}`}>
                <span class="step-n" aria-hidden="true">
                  {i + 1}
                </span>
                <StepInput label={`Step ${i + 1}`} draft={d} onChange={(x) => setStep(i, x)} listPrefix="funnel" problem={problem} />
                <span class="step-actions">
                  <button type="button" class="btn small ghost" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class="btn small ghost"
                    aria-label={`Move step ${i + 1} down`}
                    disabled={i === inputs.steps.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="btn small ghost"
                    aria-label={`Remove step ${i + 1}`}
                    disabled={inputs.steps.length <= 2}
                    onClick={() => remove(i)}
                  >
                    ✕
                  </button>
                </span>
                {problem ? <p class="field-errors step-problem">{problem}</p> : null}
              </li>
            );
          })}
        </ol>
        <div class="report-controls">
          <button type="button" class="btn" onClick={add} disabled={inputs.steps.length >= MAX_STEPS}>
            Add a step
          </button>
          <RangeField id="funnel-range" value={inputs.range} onChange={(range) => set({ range })} />
          <InlineSelect
            id="funnel-window"
            label="Conversion window"
            value={inputs.window}
            options={WINDOWS.map((w) => [w.id, w.label] as const)}
            onChange={(window) => set({ window })}
          />
        </div>
        <p class="hint">
          A visitor enters at their first step 1 in the range; each later step counts when it happens after the step before and within the conversion window of
          step 1. Page steps take a path (<code>/cart</code>) or a prefix (<code>/product/*</code>; <code>/*</code> is any page).
        </p>
      </section>

      <ChartFrame
        title="Funnel"
        what="the funnel"
        sub={data ? `${fmtInt(first)} visitors entered; ${fmtPct(last?.conversionFromStart)} reached the last step within ${inputs.window}.` : undefined}
        {...frameState(report, data, complete)}
        idle={!complete ? 'Fill in every step to see the funnel.' : undefined}
        empty={data && first === 0 ? 'Nobody entered this funnel in the range' : false}
        emptyHint={
          <p>No visitor did step 1 ({data?.steps[0] ? stepName(data.steps[0].step) : ''}) in the selected range. Try a longer range or another first step.</p>
        }
      >
        {data ? <FunnelResult data={data} /> : null}
      </ChartFrame>
    </>
  );
}

const FUNNEL_COLUMNS = ['Step', num('Visitors'), num('From start'), num('From previous'), num('Drop-off'), num('Median time from previous')];

function FunnelResult({ data }: { data: FunnelReport }) {
  const steps = data.steps.map((s) => ({ ...s, label: stepName(s.step) }));
  const bars = steps.map((s, i) => {
    const prev = i > 0 ? data.steps[i - 1]!.visitors : undefined;
    return {
      label: `${i + 1}. ${s.label}`,
      value: s.visitors,
      ...(prev !== undefined ? { ghost: prev } : {}),
      note: i === 0 ? fmtInt(s.visitors) : fmtPct(s.conversionFromStart),
      describe:
        i === 0
          ? `Step 1, ${s.label}: ${fmtInt(s.visitors)} visitors entered.`
          : `Step ${i + 1}, ${s.label}: ${fmtInt(s.visitors)} visitors, ${fmtPct(s.conversionFromStart)} of the start, ${fmtPct(s.conversionFromPrevious)} of step ${i}; ${fmtInt(s.dropOff)} dropped off; median ${fmtDuration(s.medianMsFromPrevious)} after step ${i}.`,
    };
  });
  const summary = `Funnel of ${steps.length} steps: ${steps.map((s) => `${s.label} ${fmtInt(s.visitors)}`).join(', ')}. Exact numbers are in the table below.`;
  return (
    <>
      <BarChart bars={bars} summary={summary} valueLegend="Visitors who reached the step" ghostLegend="Visitors of the step before (the gap is the drop-off)" />
      <DataTable class="table report-table funnel-table" caption="Funnel steps" columns={FUNNEL_COLUMNS}>
        {steps.map((s, i) => (
          <tr key={i}>
            <th scope="row">
              <span class="muted">{i + 1}.</span> {s.label} <StepKind step={s.step} />
            </th>
            <td class="num">{fmtInt(s.visitors)}</td>
            <td class="num">{fmtPct(s.conversionFromStart)}</td>
            <td class="num">{i === 0 ? '–' : fmtPct(s.conversionFromPrevious)}</td>
            <td class="num">{i === 0 ? '–' : `${fmtInt(s.dropOff)} (${fmtPct(data.steps[i - 1]!.visitors ? s.dropOff / data.steps[i - 1]!.visitors : 0)})`}</td>
            <td class="num">{i === 0 ? '–' : fmtDuration(s.medianMsFromPrevious)}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

function StepKind({ step }: { step: Step }) {
  return <span class="pill">{'event' in step ? 'event' : 'page'}</span>;
}
