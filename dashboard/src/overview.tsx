/** Overview: live visitors, events per minute, the last 24 hours and top pages, refreshed while visible. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type OverviewReport } from './api';
import { DataTable, num } from './charts/table';
import type { ListProps } from './site-state';
import { Empty, ErrorBanner, Loading, PageHeader } from './ui';

const REFRESH_MS = 7_000;
const int = new Intl.NumberFormat('en-US');
const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * Calls `load` now and every `ms` while the tab is visible (a hidden tab stops polling and
 * refreshes at once when shown again). Returns the latest value and the latest error.
 */
export function usePolling<T>(load: () => Promise<T>, ms: number, deps: unknown[]): { data: T | null; error: unknown; loading: boolean } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const tick = async () => {
      clearTimeout(timer);
      try {
        const v = await loadRef.current();
        if (!alive) return;
        setData(v);
        setError(null);
      } catch (e) {
        if (alive) setError(e);
      } finally {
        if (alive) setLoading(false);
        if (alive && document.visibilityState === 'visible') timer = setTimeout(tick, ms);
      }
    };
    const onVisible = () => document.visibilityState === 'visible' && void tick();
    setLoading(true);
    setData(null);
    void tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, deps);
  return { data, error, loading };
}

/** Events per minute as bars: an inline SVG with a text summary for screen readers. */
function MinuteChart({ series }: { series: OverviewReport['eventsPerMinute'] }) {
  const W = 600;
  const H = 140;
  const max = Math.max(1, ...series.map((p) => p.events));
  const bw = W / Math.max(1, series.length);
  const total = series.reduce((a, p) => a + p.events, 0);
  const peak = series.reduce((a, p) => (p.events > a.events ? p : a), series[0] ?? { t: 0, events: 0 });
  const summary = `${int.format(total)} events in the last ${series.length} minutes; busiest minute ${series.length ? clock(peak.t) : '–'} with ${int.format(peak.events)}.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Events per minute. ${summary}`} preserveAspectRatio="none" class="bars">
        <line x1="0" y1={H} x2={W} y2={H} class="axis" />
        {series.map((p, i) => {
          const h = (p.events / max) * (H - 8);
          return (
            <rect key={p.t} x={i * bw + 1} y={H - h} width={Math.max(1, bw - 2)} height={h} rx="2" class="bar">
              <title>
                {clock(p.t)}: {int.format(p.events)} events
              </title>
            </rect>
          );
        })}
      </svg>
      {series.length ? (
        <div class="ticks" aria-hidden="true">
          <span>{clock(series[0]!.t)}</span>
          <span>{clock(series[series.length - 1]!.t)}</span>
        </div>
      ) : null}
      <figcaption class="muted">{summary}</figcaption>
    </figure>
  );
}

function Stat({ label, value, hint }: { label: string; value: number; hint?: string }) {
  return (
    <div class="card stat">
      <p class="stat-label">{label}</p>
      <p class="stat-value">{int.format(value)}</p>
      {hint ? <p class="hint">{hint}</p> : null}
    </div>
  );
}

/**
 * Requests from bots and crawlers the edge filtered (no cookie, profile, analytics row or
 * personalization), per UTC day: today's count, and the last 7 days in a compact table.
 */
function BotsFiltered({ days }: { days: OverviewReport['botsFiltered'] }) {
  const today = days[days.length - 1]?.requests ?? 0;
  const week = days.reduce((n, d) => n + d.requests, 0);
  return (
    <section class="card" data-testid="bots-filtered">
      <h2>Bots filtered</h2>
      <p>
        <strong data-testid="bots-today">{int.format(today)}</strong> {today === 1 ? 'request' : 'requests'} from bots and crawlers today (UTC),{' '}
        {int.format(week)} in the last 7 days. They got no cookie, no profile and no personalization, and are not in any report.
      </p>
      {week > 0 ? (
        <DataTable class="table compact" scroll={false} columns={['Day (UTC)', num('Requests')]}>
          {days.map((d) => (
            <tr key={d.day}>
              <td>{d.day}</td>
              <td class="num">{int.format(d.requests)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}

export function Overview({ site }: ListProps) {
  const siteId = site.config.id;
  const { data, error, loading } = usePolling(() => api.overview(siteId, 30), REFRESH_MS, [siteId]);
  return (
    <>
      <PageHeader title="Overview" sub={`What is happening on ${site.config.name} right now. Refreshes every few seconds while this tab is open.`}>
        {data ? (
          <span class="muted live" role="status">
            <span class="dot" aria-hidden="true" /> Updated {clock(data.now)}
          </span>
        ) : null}
      </PageHeader>
      {error && data ? (
        <p class="banner warn" role="alert">
          Could not refresh: {error instanceof Error ? error.message : String(error)}. Showing the last numbers.
        </p>
      ) : null}
      {!data ? (
        error ? (
          <ErrorBanner error={error} />
        ) : loading ? (
          <Loading what="the overview" />
        ) : null
      ) : data.totalVisitors === 0 ? (
        <Empty title="No traffic yet">
          <p>
            As soon as a page with the Waymark tag is visited, live visitors and events show here. Find the install snippet under{' '}
            <a href={`#/s/${encodeURIComponent(siteId)}/settings`}>Settings</a>.
          </p>
          {data.botsFiltered.some((d) => d.requests > 0) ? <BotsFiltered days={data.botsFiltered} /> : null}
        </Empty>
      ) : (
        <>
          {data.outboxDropped > 0 ? (
            <p class="banner warn" role="status" data-testid="outbox-dropped">
              {int.format(data.outboxDropped)} {data.outboxDropped === 1 ? 'event was' : 'events were'} lost in visitors' browsers in the last 24 hours: their
              offline outbox was full (it keeps the newest 10,000 events and drops the oldest), and each browser reported how many it dropped.
            </p>
          ) : null}
          <div class="stats">
            <Stat label="Live visitors" value={data.liveVisitors} hint="active in the last 5 minutes" />
            <Stat label="Visitors, 24 h" value={data.last24h.visitors} />
            <Stat label="Page views, 24 h" value={data.last24h.pageViews} />
            <Stat label="Events, 24 h" value={data.last24h.events} />
          </div>
          <div class="split-2">
            <section class="card">
              <h2>Events per minute</h2>
              <MinuteChart series={data.eventsPerMinute} />
            </section>
            <section class="card">
              <h2>Top pages, 24 h</h2>
              {data.topPages.length ? (
                <DataTable class="table compact" scroll={false} columns={['Page', num('Views'), num('Visitors')]}>
                  {data.topPages.map((p) => (
                    <tr key={p.path}>
                      <td class="path">{p.path}</td>
                      <td class="num">{int.format(p.views)}</td>
                      <td class="num">{int.format(p.visitors)}</td>
                    </tr>
                  ))}
                </DataTable>
              ) : (
                <p class="muted">No page views in the last 24 hours.</p>
              )}
            </section>
          </div>
          <BotsFiltered days={data.botsFiltered} />
          <p class="muted small">
            {int.format(data.totalVisitors)} {data.totalVisitors === 1 ? 'visitor' : 'visitors'} stored in total. {int.format(data.outboxDropped)} events lost
            in browsers' outboxes (full) in the last 24 hours.
          </p>
        </>
      )}
    </>
  );
}
