/**
 * Message and variant performance, and slot experiments (per slot and segment, the same way): per variant the visitors exposed and converted (the message's
 * goal), the conversion rate with its 95% interval, and the lift over the holdout with its
 * always-valid 95% interval (Newcombe's fixed-horizon interval beside it, for reference). A variant
 * is marked a winner (or worse) only when the always-valid interval excludes zero, so looking every
 * day does not raise false winners. Each message also shows its traffic-split check (a broken split
 * is a loud warning) and, per variant, about how many more days to a verdict at current traffic.
 */
import type { MessagesQuery, MessagesReport } from '../../../protocol/analytics';
import type { Json, SiteConfig } from '../api';
import { fmtInt, fmtPct, fmtPp, fmtSignedPct, fmtTime } from '../charts/format';
import { ChartFrame } from '../charts/frame';
import { Meter } from '../charts/meter';
import { IntervalChart, type Interval } from '../charts/interval';
import { DataTable, num } from '../charts/table';
import { isRangeId, isRecord, RangeField, rangeFrom, useQueryReport, useReportInputs, type RangeId } from './common';
import { reportsApi } from './api';
import { banditView, statisticText, verdict } from './model';
import { outlookShort, outlookWords, srmWords, verdictWords } from './experiment-words';

type Inputs = { message: string; range: RangeId };
const DEFAULTS: Inputs = { message: '', range: '30d' };
const isInputs = (v: unknown): v is Inputs => isRecord(v) && typeof v['message'] === 'string' && isRangeId(v['range']);

type MessageRow = MessagesReport['messages'][number];
type SlotRow = MessagesReport['slots'][number];
/** What a message's and a slot experiment's results have in common. */
type ExperimentRow = Omit<MessageRow, 'message' | 'bandit'> & { bandit?: MessageRow['bandit'] };
type Stat = MessagesReport['statistic'];

const fmtCi = (i: [number, number], f: (v: number) => string) => `${f(i[0])} to ${f(i[1])}`;
/** Compact intervals for the table: "9.5–90.5%", "-90.5 to +27.3 pp". */
const rateCi = (i: [number, number]) => `${(i[0] * 100).toFixed(1)}–${fmtPct(i[1])}`;
const ppCi = (i: [number, number]) => `${fmtPp(i[0]).replace(' pp', '')} to ${fmtPp(i[1])}`;

export function MessagesReportView({ site }: { site: SiteConfig }) {
  const [inputs, set] = useReportInputs('messages', site, DEFAULTS, isInputs);
  const configured = site.messages as Json[];
  const query: MessagesQuery = { ...(inputs.message ? { message: inputs.message } : {}), from: rangeFrom(inputs.range) };
  const report = useQueryReport(query, (q) => reportsApi.messages(site.id, q));
  const data = report.data;
  const stat = data ? statisticText(data.statistic) : null;
  const segmentNames = new Map((site.segments as Json[]).map((s) => [String(s['id']), String(s['name'] ?? s['id'])]));
  return (
    <>
      <section class="card report-form" aria-labelledby="messages-form-h">
        <h2 id="messages-form-h">Message performance</h2>
        <div class="report-controls">
          <div class="field inline">
            <label for="messages-message">Message</label>
            <select id="messages-message" value={inputs.message} onChange={(e) => set({ message: e.currentTarget.value })}>
              <option value="">All messages with exposures</option>
              {configured.map((m) => (
                <option key={m['id']} value={m['id']}>
                  {m['name'] ?? m['id']}
                </option>
              ))}
            </select>
          </div>
          <RangeField id="messages-range" label="First exposure in" value={inputs.range} onChange={(range) => set({ range })} />
        </div>
        <p class="hint">
          Exposed: visitors whose first exposure to the message (or to its holdout, who saw nothing) was in the range. Converted: of those, visitors who did the
          message’s goal within its window.
          {stat ? (
            <>
              {' '}
              Rates show the <strong>{stat.rate}</strong>; lift over the holdout (in percentage points) shows the <strong>{stat.lift}</strong>, and a variant is
              called better or worse only when that interval is wholly above or below zero. The {stat.fixedHorizon} is in the table for reference only: read
              every day, it calls about a quarter of no-difference tests a winner.
            </>
          ) : null}
        </p>
      </section>
      {report.error ? (
        <ChartFrame title="Messages" what="message results" error={report.error} onRetry={report.reload} />
      ) : !data ? (
        <ChartFrame title="Messages" what="message results" loading />
      ) : !data.messages.length ? (
        <ChartFrame
          title="Messages"
          what="message results"
          empty={inputs.message ? 'No exposures of this message in the range' : 'No message exposures in the range'}
          emptyHint={<p>Results appear once visitors are shown a message (or held out from one). Try a longer range.</p>}
        />
      ) : (
        data.messages.map((m) => (
          <MessageResult
            key={m.message}
            m={m}
            config={configured.find((c) => c['id'] === m.message)}
            segmentNames={segmentNames}
            stat={data.statistic}
            reload={report.reload}
            loading={report.loading}
            busy={report.stale}
          />
        ))
      )}
      {data && data.slots.length ? (
        <>
          <section class="card" aria-labelledby="slot-experiments-h">
            <h2 id="slot-experiments-h">Slot experiments</h2>
            <p class="hint">
              Per slot and segment: the segment’s visitors shown its variant (“personalized”) against the same segment’s visitors held out on the page’s default
              content (the slot’s holdout), with the same intervals, split check and verdicts as messages.
            </p>
          </section>
          {data.slots.map((x) => (
            <SlotResult
              key={`${x.slot}:${x.segment}`}
              x={x}
              config={(site.slots as Json[]).find((c) => c['id'] === x.slot)}
              segmentNames={segmentNames}
              stat={data.statistic}
              reload={report.reload}
              loading={report.loading}
              busy={report.stale}
            />
          ))}
        </>
      ) : null}
    </>
  );
}

const VARIANT_COLUMNS = [
  'Variant',
  num('Exposed'),
  num('Converted'),
  num('Conversion rate'),
  num('95% interval'),
  num('Lift over holdout'),
  { label: 'Always-valid 95% interval', class: 'num', key: 'lift-interval' },
  'Verdict',
];

type ResultProps = { segmentNames: ReadonlyMap<string, string>; stat: Stat; reload: () => void; loading: boolean; busy: boolean };

function MessageResult({ m, config, ...rest }: ResultProps & { m: MessageRow; config: Json | undefined }) {
  return (
    <ExperimentResult
      m={m}
      id={m.message}
      name={(config?.['name'] as string | undefined) ?? m.message}
      goal={config?.['goal'] as Json | undefined}
      configuredHoldout={Number(config?.['holdout'] ?? 0)}
      heldOut="saw nothing"
      noHoldout="This message has no holdout group, so there is nothing to measure lift against. Give it a holdout share in the message editor."
      {...rest}
    />
  );
}

/** A slot experiment for one segment: "personalized" against the segment's visitors held out on the default. */
function SlotResult({ x, config, ...rest }: ResultProps & { x: SlotRow; config: Json | undefined }) {
  const experiment = config?.['experiment'] as Json | undefined;
  const slotName = (config?.['name'] as string | undefined) ?? x.slot;
  return (
    <ExperimentResult
      m={x}
      id={x.slot}
      name={`${slotName}: ${rest.segmentNames.get(x.segment) ?? x.segment}`}
      goal={experiment?.['goal'] as Json | undefined}
      configuredHoldout={Number(experiment?.['holdout'] ?? 0)}
      heldOut="kept the default"
      noHoldout="This slot has no holdout, so there is nothing to measure lift against. Give it a holdout share in the slot editor’s Experiment section."
      {...rest}
    />
  );
}

function ExperimentResult({
  m,
  id,
  name,
  goal,
  configuredHoldout,
  heldOut,
  noHoldout,
  segmentNames,
  stat,
  reload,
  loading,
  busy,
}: ResultProps & {
  m: ExperimentRow;
  /** The message's or slot's id, shown as code. */
  id: string;
  name: string;
  goal: Json | undefined;
  /** The holdout percent configured now. */
  configuredHoldout: number;
  /** What the holdout saw, in words. */
  heldOut: string;
  /** Why there is no lift when nothing is held out, and what to do. */
  noHoldout: string;
}) {
  const words = statisticText(stat);
  // Configured with a holdout share (even if nobody fell into it in this range).
  const hasHoldout = configuredHoldout > 0 || m.holdout !== null;
  // A broken split voids every verdict: the groups are not what the experiment compared.
  const trusted = m.srm.status !== 'mismatch';
  const rateRows: Interval[] = [
    ...m.variants.map((v): Interval => {
      const tone = v.lift && trusted ? verdict(v.lift.interval) : null;
      return {
        label: v.variant,
        value: v.rate,
        lo: v.interval[0],
        hi: v.interval[1],
        tone: tone ?? 'plain',
        describe: `Variant ${v.variant}: ${fmtPct(v.rate)} (${fmtInt(v.converted)} of ${fmtInt(v.exposed)}), ${words.rate} ${fmtCi(v.interval, fmtPct)}.`,
      };
    }),
    ...(m.holdout
      ? [
          {
            label: 'holdout',
            value: m.holdout.rate,
            lo: m.holdout.interval[0],
            hi: m.holdout.interval[1],
            tone: 'reference' as const,
            describe: `Holdout (${heldOut}): ${fmtPct(m.holdout.rate)} (${fmtInt(m.holdout.converted)} of ${fmtInt(m.holdout.exposed)}), ${words.rate} ${fmtCi(m.holdout.interval, fmtPct)}.`,
          },
        ]
      : []),
  ];
  const liftRows: Interval[] = m.variants.flatMap((v) =>
    v.lift
      ? [
          {
            label: v.variant,
            value: v.lift.absolute,
            lo: v.lift.interval[0],
            hi: v.lift.interval[1],
            tone: (trusted ? verdict(v.lift.interval) : null) ?? 'plain',
            describe: `Variant ${v.variant}: lift ${fmtPp(v.lift.absolute)} over the holdout, ${words.lift} ${fmtCi(v.lift.interval, fmtPp)}${verdict(v.lift.interval) === 'win' ? ': significantly better' : verdict(v.lift.interval) === 'loss' ? ': significantly worse' : ': not significant'}.`,
          },
        ]
      : [],
  );
  return (
    <ChartFrame
      title={name}
      what="experiment results"
      class="message-result"
      busy={busy}
      sub={
        <>
          <code>{id}</code>
          {goal ? (
            <>
              {' '}
              · goal “{String(goal['event'])}” within {String(goal['withinHours'])} h
            </>
          ) : null}
          {m.bandit ? (
            <>
              {' '}
              · <span class="pill">Bandit on</span>
            </>
          ) : null}
          {m.holdout ? (
            <>
              {' '}
              · holdout: {fmtInt(m.holdout.exposed)} {m.holdout.exposed === 1 ? 'visitor' : 'visitors'}
            </>
          ) : hasHoldout ? (
            <> · holdout: nobody in this range</>
          ) : (
            <>
              {' '}
              · <span class="pill muted-pill">no holdout</span>
            </>
          )}
        </>
      }
      actions={
        <button type="button" class="btn small" onClick={reload} disabled={loading}>
          {loading ? 'Updating…' : 'Refresh'}
        </button>
      }
    >
      <SplitCheck srm={m.srm} />
      {trusted && m.variants.some((v) => v.lift) ? (
        <div class="verdicts" data-testid="verdicts">
          {m.variants.map((v) => (v.lift ? <VerdictLine key={v.variant} variant={v.variant} lift={v.lift} /> : null))}
        </div>
      ) : null}
      <div class="grid-2 interval-pair">
        <div>
          <h3 class="chart-title">Conversion rate</h3>
          <IntervalChart
            rows={rateRows}
            axis="rate"
            format={(v) => fmtPct(v, 0)}
            summary={`Conversion rate per variant of ${name} with ${words.rate}s. ${rateRows.map((r) => r.describe).join(' ')}`}
          />
        </div>
        <div>
          <h3 class="chart-title">Lift over holdout</h3>
          {liftRows.length ? (
            <IntervalChart
              rows={liftRows}
              axis="signed"
              format={(v) => fmtPp(v, Math.abs(v) < 0.1 && v !== 0 ? 1 : 0)}
              summary={`Lift over the holdout per variant of ${name} with ${words.lift}s. ${liftRows.map((r) => r.describe).join(' ')}`}
            />
          ) : (
            <div class="state chart-empty small">
              <h3>{hasHoldout && m.holdout && m.holdout.exposed > 0 ? 'No variant exposures' : 'No holdout'}</h3>
              <p>
                {!hasHoldout
                  ? noHoldout
                  : m.holdout && m.holdout.exposed > 0
                    ? 'Only the holdout has exposures in this range: lift needs visitors who saw a variant too.'
                    : `${m.note ?? 'The holdout has no exposures in this range'}.`}
              </p>
            </div>
          )}
        </div>
      </div>
      <DataTable class="table report-table messages-table" caption={<>Results of {name} per variant</>} columns={VARIANT_COLUMNS}>
        {m.variants.map((v) => {
          const verdictOf = v.lift && trusted ? verdict(v.lift.interval) : null;
          return (
            <tr key={v.variant} class={verdictOf ? `verdict-${verdictOf}` : undefined}>
              <th scope="row">{v.variant}</th>
              <td class="num">{fmtInt(v.exposed)}</td>
              <td class="num">{fmtInt(v.converted)}</td>
              <td class="num">{fmtPct(v.rate)}</td>
              <td class="num">{rateCi(v.interval)}</td>
              <td class="num">
                {v.lift ? (
                  <>
                    {fmtPp(v.lift.absolute)}
                    {v.lift.relative !== null ? <span class="cell-sub">{fmtSignedPct(v.lift.relative)} relative</span> : null}
                  </>
                ) : (
                  <span class="muted">no holdout</span>
                )}
              </td>
              <td class="num">
                {v.lift ? (
                  <>
                    {ppCi(v.lift.interval)}
                    <span class="cell-sub" title={words.fixedHorizon}>
                      one look: {ppCi(v.lift.fixedHorizonInterval)}
                    </span>
                  </>
                ) : (
                  '–'
                )}
              </td>
              <td>
                {!v.lift ? (
                  <span class="muted">–</span>
                ) : verdictOf === 'win' ? (
                  <span class="badge win" title="The lift interval is above zero: better than the holdout">
                    Better
                  </span>
                ) : verdictOf === 'loss' ? (
                  <span class="badge loss" title="The lift interval is below zero: worse than the holdout">
                    Worse
                  </span>
                ) : (
                  <span class="muted">No verdict yet</span>
                )}
                {!trusted ? (
                  <span class="cell-sub">split broken: no verdict</span>
                ) : v.lift && v.lift.outlook.status !== 'reached' ? (
                  <span class="cell-sub">{outlookShort(v.lift.outlook)}</span>
                ) : null}
              </td>
            </tr>
          );
        })}
        {m.holdout ? (
          <tr class="holdout-row">
            <th scope="row">holdout</th>
            <td class="num">{fmtInt(m.holdout.exposed)}</td>
            <td class="num">{fmtInt(m.holdout.converted)}</td>
            <td class="num">{fmtPct(m.holdout.rate)}</td>
            <td class="num">{rateCi(m.holdout.interval)}</td>
            <td class="num muted">reference</td>
            <td class="num">–</td>
            <td class="muted">{heldOut}</td>
          </tr>
        ) : null}
      </DataTable>
      {m.bandit ? <BanditSplit bandit={m.bandit} name={name} segmentNames={segmentNames} /> : null}
    </ChartFrame>
  );
}

/** The traffic-split check: a loud warning when the split is broken, one quiet line otherwise. */
function SplitCheck({ srm }: { srm: MessageRow['srm'] }) {
  const w = srmWords(srm);
  return w.tone === 'error' ? (
    <div class="banner error" role="alert" data-testid="srm-warning">
      <strong>{w.headline}.</strong> {w.detail}
    </div>
  ) : (
    <p class="hint" data-testid="srm-line">
      <strong>{w.headline}:</strong> {w.detail}
    </p>
  );
}

/** One variant's verdict in words, with the days-to-verdict estimate while there is none. */
function VerdictLine({ variant, lift }: { variant: string; lift: NonNullable<MessageRow['variants'][number]['lift']> }) {
  const w = verdictWords(variant, lift);
  return (
    <p class={`banner ${w.tone === 'win' ? 'ok' : w.tone === 'loss' ? 'warn' : 'info'}`} data-testid={`verdict-${variant}`}>
      <strong>{w.headline}.</strong> {w.detail}
      {lift.outlook.status !== 'reached' ? <> {outlookWords(lift.outlook)}</> : null}
    </p>
  );
}

/** What the Thompson-sampling bandit does now: each variant's share of the traffic per segment, and why. */
function BanditSplit({ bandit, name, segmentNames }: { bandit: NonNullable<MessageRow['bandit']>; name: string; segmentNames: ReadonlyMap<string, string> }) {
  const view = banditView(bandit, segmentNames, Date.now());
  const variants = bandit.segments[0]?.variants.map((v) => v.variant) ?? [];
  return (
    // Spacing through the CSSOM (the CSP forbids style attributes, not this); app.css is not this view's to edit.
    <div class="bandit-split" style={{ marginTop: 'var(--s5)' }}>
      <h3 class="chart-title">Bandit traffic split</h3>
      <p class="hint">
        Thompson sampling gives each variant its probability of having the best conversion rate (at least 1%), from the posteriors below; the {bandit.holdout}%
        holdout is kept out of the split. A visitor gets the row of the first of the message’s segments they are in, else “All visitors”. Counts here are
        all-time, not the report’s range.{' '}
        {bandit.updatedAt === null ? (
          <strong>Not published yet: the configured weights apply until the first exposures are counted (within a minute).</strong>
        ) : (
          <>
            Weights last published <strong>{fmtTime(bandit.updatedAt)}</strong> ({view.published}).
          </>
        )}
      </p>
      <DataTable
        class="table report-table bandit-table"
        caption={<>Share of the non-holdout traffic of {name} per segment and variant, as the bandit splits it now</>}
        columns={['Segment', ...variants.map((v) => ({ label: v, key: `v:${v}` }))]}
      >
        {view.rows.map((r) => (
          <tr key={r.segment}>
            <th scope="row">
              {r.label}
              {r.note ? <span class="cell-sub">{r.note}</span> : null}
            </th>
            {r.cells.map((c) => (
              <td key={c.variant} class="bar-col">
                <span class="meter-cell">
                  <strong class="num">{fmtPct(c.share, 0)}</strong>
                  <Meter share={c.share} {...(c.leads ? {} : { tone: 'muted' as const })} />
                </span>
                {c.best ? <span class="cell-sub">{c.best}</span> : null}
                {c.posterior ? <span class="cell-sub">{c.posterior}</span> : null}
              </td>
            ))}
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
