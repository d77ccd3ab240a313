/**
 * Vertical bars on a zero-based axis: funnel steps, visitors by source. Each bar may carry a
 * lighter "ghost" bar behind it (for a funnel: the visitors of the step before, so the drop-off is
 * the visible gap) and a short note above it.
 */
import { ValueGrid } from './axis';
import { clip, fmtInt, linear, ticks } from './format';
import { Readout, useActivePoint, useChartBox } from './frame';

export type Bar = {
  label: string;
  value: number;
  /** A second value drawn behind the bar, lighter (must be >= value to be seen). */
  ghost?: number;
  /** Above the bar, e.g. "42.0%". */
  note?: string;
  /** The full sentence read out when the bar is active. */
  describe: string;
};

type Props = {
  bars: Bar[];
  /** The chart as one sentence, for assistive technology (the table beside it has the numbers). */
  summary: string;
  height?: number;
  /** Axis tick labels (default: integers). */
  formatTick?: (v: number) => string;
  /** What the ghost bars mean, for the legend. */
  ghostLegend?: string;
  valueLegend?: string;
  /** Whole-number ticks (counts); default true. */
  integer?: boolean;
};

const M = { top: 26, right: 8, bottom: 40, left: 52 };

export function BarChart({ bars, summary, height = 260, formatTick = fmtInt, ghostLegend, valueLegend, integer = true }: Props) {
  const { ref, width } = useChartBox();
  const { active, setActive, focusProps } = useActivePoint(bars.length);
  const max = Math.max(0, ...bars.map((b) => Math.max(b.value, b.ghost ?? 0)));
  const t = ticks(max, 4, integer);
  const top = t[t.length - 1]!;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const y = linear(0, top, M.top + plotH, M.top);
  const band = plotW / Math.max(1, bars.length);
  const barW = Math.max(6, Math.min(96, band * 0.62));
  const chars = Math.max(4, Math.floor(band / 7.2));
  return (
    <div class="chart-box" ref={ref}>
      {ghostLegend || valueLegend ? (
        <p class="chart-legend" aria-hidden="true">
          {valueLegend ? (
            <span>
              <i class="sw sw-value" /> {valueLegend}
            </span>
          ) : null}
          {ghostLegend ? (
            <span>
              <i class="sw sw-ghost" /> {ghostLegend}
            </span>
          ) : null}
        </p>
      ) : null}
      <svg class="chart-svg" width={width} height={height} role="img" aria-label={summary} {...focusProps}>
        <ValueGrid ticks={t} y={y} left={M.left} right={width - M.right} labelGap={8} format={formatTick} />
        {bars.map((b, i) => {
          const cx = M.left + band * i + band / 2;
          const x = cx - barW / 2;
          const on = active === i;
          return (
            <g key={i} class={`bar${on ? ' active' : ''}`} onMouseEnter={() => setActive(i)}>
              {/* The whole band reacts to the pointer, so thin or zero bars can be pointed at too. */}
              <rect class="hit" x={M.left + band * i} y={M.top} width={band} height={plotH} />
              {b.ghost !== undefined && b.ghost > 0 ? <rect class="ghost" x={x} y={y(b.ghost)} width={barW} height={y(0) - y(b.ghost)} rx="3" /> : null}
              <rect class="value" x={x} y={y(b.value)} width={barW} height={Math.max(0, y(0) - y(b.value))} rx="3" />
              {b.note ? (
                <text class="note" x={cx} y={y(Math.max(b.value, 0)) - 6} text-anchor="middle">
                  {b.note}
                </text>
              ) : null}
              <text class="xlabel" x={cx} y={M.top + plotH + 18} text-anchor="middle">
                <title>{b.label}</title>
                {clip(b.label, chars)}
              </text>
            </g>
          );
        })}
        <line class="axis" x1={M.left} x2={width - M.right} y1={y(0)} y2={y(0)} />
      </svg>
      <Readout text={active !== null ? bars[active]!.describe : null} />
    </div>
  );
}
