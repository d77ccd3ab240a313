/**
 * Top paths from or to an anchor (a page or an event): the most common sequences of steps right
 * after (or before) it in the same session, as ranked rows with proportional bars.
 */
import { Fragment } from 'preact';
import type { PathsQuery, PathsReport, PathStep } from '../../../protocol/analytics';
import type { SiteConfig } from '../api';
import { fmtInt, fmtPct } from '../charts/format';
import { ChartFrame } from '../charts/frame';
import { barCol, DataTable, num } from '../charts/table';
import { Meter } from '../charts/meter';
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
  stepText,
  SuggestionLists,
  toStep,
  useQueryReport,
  useReportInputs,
  useSuggestions,
  type RangeId,
  type StepDraft,
} from './common';
import { reportsApi } from './api';

type Inputs = { anchor: StepDraft; direction: 'next' | 'previous'; depth: number; limit: number; range: RangeId };
const DEFAULTS: Inputs = { anchor: { kind: 'page', value: '/' }, direction: 'next', depth: 3, limit: 10, range: '7d' };
const DIRECTIONS = [
  ['next', 'What visitors did next'],
  ['previous', 'What visitors did before'],
] as const;
const DEPTHS = [1, 2, 3, 4, 5].map((n) => [n, String(n)] as const);
const LIMITS = [5, 10, 20, 50].map((n) => [n, `top ${n}`] as const);
const isInputs = (v: unknown): v is Inputs =>
  isRecord(v) &&
  isStepDraft(v['anchor']) &&
  (v['direction'] === 'next' || v['direction'] === 'previous') &&
  typeof v['depth'] === 'number' &&
  typeof v['limit'] === 'number' &&
  isRangeId(v['range']);

export function PathsReportView({ site }: { site: SiteConfig }) {
  const [inputs, set] = useReportInputs('paths', site, DEFAULTS, isInputs);
  const suggestions = useSuggestions(site);
  const parsed = toStep(inputs.anchor);
  const query: PathsQuery | null =
    'step' in parsed ? { anchor: parsed.step, direction: inputs.direction, depth: inputs.depth, limit: inputs.limit, from: rangeFrom(inputs.range) } : null;
  const report = useQueryReport(query, (q) => reportsApi.paths(site.id, q));
  const data = report.data;
  const problem = problemOf(parsed);
  const anchorLabel = 'step' in parsed ? stepText(parsed.step) : '';
  return (
    <>
      <section class="card report-form" aria-labelledby="paths-form-h">
        <h2 id="paths-form-h">Anchor step</h2>
        <SuggestionLists s={suggestions} prefix="paths" />
        <div class={`step-row single${problem ? ' invalid' : ''}`}>
          <StepInput label="Anchor" draft={inputs.anchor} onChange={(anchor) => set({ anchor })} listPrefix="paths" problem={problem} />
          {problem ? <p class="field-errors step-problem">{problem}</p> : null}
        </div>
        <div class="report-controls">
          <InlineSelect id="paths-direction" label="Direction" value={inputs.direction} options={DIRECTIONS} onChange={(direction) => set({ direction })} />
          <InlineSelect id="paths-depth" label="Steps" value={inputs.depth} options={DEPTHS} onChange={(depth) => set({ depth })} />
          <InlineSelect id="paths-limit" label="Show" value={inputs.limit} options={LIMITS} onChange={(limit) => set({ limit })} />
          <RangeField id="paths-range" value={inputs.range} onChange={(range) => set({ range })} />
        </div>
        <p class="hint">Paths stay within one session; a repeat of the same step in a row counts once.</p>
      </section>

      <ChartFrame
        title={inputs.direction === 'next' ? `Top paths from ${anchorLabel || 'the anchor'}` : `Top paths to ${anchorLabel || 'the anchor'}`}
        what="paths"
        sub={data ? `${fmtInt(data.anchorSessions)} sessions with ${anchorLabel}; shares are of those sessions.` : undefined}
        {...frameState(report, data, !!query)}
        idle={!query ? 'Pick an anchor page or event.' : undefined}
        empty={data && !data.anchorSessions ? `No session with ${anchorLabel} in the range` : data && !data.paths.length ? 'No steps around the anchor' : false}
        emptyHint={<p>Try a longer range, or another anchor (suggestions come from recent traffic).</p>}
      >
        {data ? <PathsTable data={data} anchor={anchorLabel} /> : null}
      </ChartFrame>
    </>
  );
}

function Chip({ step, anchor }: { step: PathStep | string; anchor?: boolean }) {
  const text = typeof step === 'string' ? step : stepText(step);
  const kind = typeof step === 'string' ? 'edge' : 'event' in step ? 'event' : 'page';
  return <span class={`chip ${anchor ? 'anchor' : kind}`}>{text}</span>;
}

const PATHS_COLUMNS = [num('#'), 'Path', num('Sessions'), barCol('Share')];

function PathsTable({ data, anchor }: { data: PathsReport; anchor: string }) {
  const top = Math.max(...data.paths.map((p) => p.share), 0);
  return (
    <DataTable
      class="table report-table paths-table"
      caption={
        <>
          Top paths {data.direction === 'next' ? 'after' : 'before'} {anchor}
        </>
      }
      columns={PATHS_COLUMNS}
    >
      {data.paths.map((p, i) => {
        // Read in time order: for "previous", steps[0] is the one right before the anchor.
        const steps = data.direction === 'next' ? p.steps : [...p.steps].reverse();
        const ended = p.steps.length < data.depth;
        const seq =
          data.direction === 'next'
            ? [
                <Chip key="a" step={anchor} anchor />,
                ...steps.map((s, j) => <Chip key={j} step={s} />),
                ...(ended ? [<Chip key="e" step="session ended" />] : []),
              ]
            : [
                ...(ended ? [<Chip key="e" step="session began" />] : []),
                ...steps.map((s, j) => <Chip key={j} step={s} />),
                <Chip key="a" step={anchor} anchor />,
              ];
        return (
          <tr key={i}>
            <td class="num muted">{i + 1}</td>
            <td>
              <span class="path-seq">
                {seq.map((c, j) => (
                  <Fragment key={j}>
                    {j ? (
                      <span class="arrow" aria-label="then">
                        →
                      </span>
                    ) : null}
                    {c}
                  </Fragment>
                ))}
              </span>
            </td>
            <td class="num">{fmtInt(p.sessions)}</td>
            <td class="bar-col">
              <span class="meter-cell">
                <Meter share={top ? p.share / top : 0} />
                <span class="num">{fmtPct(p.share)}</span>
              </span>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
