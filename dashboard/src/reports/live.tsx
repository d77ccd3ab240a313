/**
 * The live event stream: the newest stored events, polled with a cursor every 2.5 s while the tab
 * is visible and not paused, plus events per minute for the last half hour.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OverviewReport, StreamEvent } from '../../../protocol/analytics';
import type { SiteConfig } from '../api';
import { AreaChart } from '../charts/area';
import { fmtInt, fmtTime } from '../charts/format';
import { ChartFrame, ReportError } from '../charts/frame';
import { DataTable } from '../charts/table';
import { Loading } from '../ui';
import { reportsApi } from './api';

const POLL_MS = 2500;
const KEEP = 300;

/** Polls while `active` and the document is visible; `tick` runs at once and then every `ms`. */
function usePolling(active: boolean, ms: number, tick: () => Promise<void>) {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const on = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);
  useEffect(() => {
    if (!active || !visible) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One request at a time: the next waits for the answer, so a slow server is never piled on.
    const loop = async () => {
      await tickRef.current();
      if (!stopped) timer = setTimeout(loop, ms);
    };
    void loop();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, visible, ms]);
}

function propsText(p: Record<string, unknown> | null): string {
  if (!p) return '';
  return Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function LiveReportView({ site }: { site: SiteConfig }) {
  const [events, setEvents] = useState<StreamEvent[] | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  const [updated, setUpdated] = useState<number | null>(null);
  const cursor = useRef<number | undefined>(undefined);
  const [overview, setOverview] = useState<OverviewReport | null>(null);
  const [overviewError, setOverviewError] = useState<unknown>(null);

  usePolling(!paused, POLL_MS, async () => {
    try {
      const r = await reportsApi.stream(site.id, cursor.current, cursor.current === undefined ? 50 : 200);
      const first = cursor.current === undefined;
      cursor.current = r.cursor;
      const newest = [...r.events].reverse();
      setEvents((cur) => [...newest, ...(cur ?? [])].slice(0, KEEP));
      setFresh(first ? new Set() : new Set(newest.map((e) => e.seq)));
      setError(null);
      setUpdated(Date.now());
    } catch (e) {
      setError(e);
    }
  });
  // The per-minute series changes slowly: every 30 s is enough.
  usePolling(!paused, 30_000, async () => {
    try {
      setOverview(await reportsApi.overview(site.id, 30));
      setOverviewError(null);
    } catch (e) {
      setOverviewError(e);
    }
  });

  const f = filter.trim().toLowerCase();
  const shown = (events ?? []).filter((e) => !f || e.name.toLowerCase().includes(f) || e.path.toLowerCase().includes(f));
  return (
    <>
      <ChartFrame
        title="Events per minute"
        what="activity"
        sub={
          overview
            ? `${fmtInt(overview.liveVisitors)} visitors active in the last 5 minutes · ${fmtInt(overview.last24h.events)} events in the last 24 hours`
            : undefined
        }
        loading={!overview && !overviewError}
        error={overviewError}
        empty={overview && !overview.eventsPerMinute.some((p) => p.events) ? 'No events in the last 30 minutes' : false}
        emptyHint={<p>Open the site in another tab and click around: events show up here within seconds.</p>}
      >
        {overview ? (
          <AreaChart
            points={overview.eventsPerMinute.map((p) => ({ t: p.t, v: p.events, describe: `${fmtTime(p.t).slice(-8, -3)}: ${fmtInt(p.events)} events` }))}
            summary={`Events per minute over the last ${overview.eventsPerMinute.length} minutes, ${fmtInt(overview.eventsPerMinute.reduce((s, p) => s + p.events, 0))} in total.`}
            formatX={(t) => new Date(t).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', hour12: false })}
          />
        ) : null}
      </ChartFrame>

      <section class="card chart-card" aria-labelledby="live-h">
        <div class="section-head">
          <div>
            <h2 id="live-h">Live events</h2>
            <p class="hint chart-sub" role="status">
              {paused ? (
                'Paused: new events are not fetched.'
              ) : (
                <>
                  <span class="live-dot" aria-hidden="true" /> Live, checking every {POLL_MS / 1000} s
                  {updated ? ` · last checked ${fmtTime(updated).slice(-8)}` : ''}
                </>
              )}
            </p>
          </div>
          <div class="actions">
            <input
              class="live-filter"
              aria-label="Filter events by name or path"
              placeholder="Filter by name or path"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
            <button type="button" class="btn small" aria-pressed={paused} onClick={() => setPaused(!paused)}>
              {paused ? 'Resume' : 'Pause'}
            </button>
          </div>
        </div>
        {error ? <ReportError error={error} /> : null}
        {events === null ? (
          error ? null : (
            <Loading what="events" />
          )
        ) : !shown.length ? (
          <div class="state chart-empty">
            <h3>{events.length ? 'No event matches the filter' : 'No events yet'}</h3>
            <p>{events.length ? 'Clear the filter to see every event.' : 'Events appear here within a few seconds of a visit.'}</p>
          </div>
        ) : (
          <DataTable
            class="table report-table live-table"
            scroll="table-scroll live-scroll"
            caption="Newest events first"
            columns={['Time', 'Event', 'Page', 'Visitor', 'Details']}
          >
            {shown.map((e) => (
              <tr key={e.seq} class={fresh.has(e.seq) ? 'fresh' : undefined}>
                <td class="nowrap">
                  <time dateTime={new Date(e.ts).toISOString()} title={fmtTime(e.ts)}>
                    {new Date(e.ts).toLocaleTimeString('en-US', { hour12: false })}
                  </time>
                </td>
                <td>
                  <span class={`pill type-${e.type}`}>{e.name}</span>
                </td>
                <td class="path-cell">{e.path}</td>
                <td>
                  <code title={e.visitorId}>{e.visitorId.slice(0, 8)}</code>
                </td>
                <td class="props-cell">{propsText(e.props)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
