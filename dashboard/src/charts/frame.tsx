/**
 * What every report chart shares: a titled card with loading, empty and error states; a width that
 * follows its container; and keyboard focus over the data (arrow keys move between points, the
 * value is read out below the chart and announced). The numbers are always also in a table beside
 * the chart, so nothing is only visible as a shape.
 */
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { IssueList, Loading } from '../ui';

type FrameProps = {
  title: string;
  sub?: ComponentChildren;
  actions?: ComponentChildren;
  /** What is being loaded, for "Loading …". */
  what: string;
  loading?: boolean;
  /** Data are shown but a newer answer is on its way: dimmed, and aria-busy. */
  busy?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** Set when the data are there but hold nothing to show: the title of the empty state. */
  empty?: string | false;
  emptyHint?: ComponentChildren;
  /** Shown when there is no data yet and no request has been made (e.g. the query is incomplete). */
  idle?: ComponentChildren;
  children?: ComponentChildren;
  class?: string;
};

/** A report card: the header, then exactly one of idle / loading / error / empty / the chart. */
export function ChartFrame(p: FrameProps) {
  const body = p.error ? (
    <ReportError error={p.error} onRetry={p.onRetry} />
  ) : p.loading ? (
    <Loading what={p.what} />
  ) : p.idle ? (
    <div class="state chart-idle">{p.idle}</div>
  ) : p.empty ? (
    <div class="state chart-empty">
      <h3>{p.empty}</h3>
      {p.emptyHint}
    </div>
  ) : (
    p.children
  );
  return (
    <section
      class={`card chart-card${p.busy ? ' busy' : ''}${p.class ? ' ' + p.class : ''}`}
      aria-label={p.title}
      aria-busy={p.loading || p.busy ? 'true' : 'false'}
    >
      <div class="section-head">
        <div>
          <h2>{p.title}</h2>
          {p.sub ? <p class="hint chart-sub">{p.sub}</p> : null}
        </div>
        {p.actions ? <div class="actions">{p.actions}</div> : null}
      </div>
      {body}
    </section>
  );
}

/** A report that could not be loaded: the API's reason (and field issues), and a retry. */
export function ReportError({ error, onRetry }: { error: unknown; onRetry?: (() => void) | undefined }) {
  const message = error instanceof Error ? error.message : String(error);
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div class="banner error chart-error" role="alert">
      <strong>Could not load this report.</strong> {message}
      <IssueList issues={issues} />
      {onRetry ? (
        <button type="button" class="btn small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** The content width of `ref`'s element, following resizes (`fallback` until measured). */
export function useWidth(ref: RefObject<HTMLElement | null>, fallback = 640): number {
  const [w, setW] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setW(Math.max(240, Math.floor(el.clientWidth)));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return w;
}

/**
 * Keyboard and pointer focus over `count` data points: returns the active index (or null) and the
 * props for the focusable chart element. Left/Up = previous, Right/Down = next, Home/End, Escape.
 */
export function useActivePoint(count: number) {
  const [active, setActive] = useState<number | null>(null);
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  const onKeyDown = (e: KeyboardEvent) => {
    if (!count) return;
    const cur = active ?? -1;
    let next: number | null | undefined;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = clamp(cur + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = clamp(cur < 0 ? 0 : cur - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = count - 1;
    else if (e.key === 'Escape') next = null;
    if (next === undefined) return;
    e.preventDefault();
    setActive(next);
  };
  return {
    active: active !== null && active < count ? active : null,
    setActive,
    focusProps: {
      tabIndex: 0,
      onKeyDown,
      onFocus: () => setActive((a) => a ?? (count ? 0 : null)),
      onBlur: () => setActive(null),
      onMouseLeave: () => setActive(null),
    },
  };
}

/** The line under a chart that says the active point's exact values (and is announced). */
export function Readout({ text }: { text: string | null }) {
  return (
    <p class="chart-readout" aria-live="polite">
      {text ?? <span class="muted">Point at the chart, or focus it and use the arrow keys, to read exact values.</span>}
    </p>
  );
}

/** A ref and the width of the element it is attached to. */
export function useChartBox(fallback?: number) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref, fallback);
  return { ref, width };
}
