/** A small area chart over time (events per minute on the live screen). */
import { ValueGrid } from './axis';
import { fmtInt, linear, ticks } from './format';
import { Readout, useActivePoint, useChartBox } from './frame';

export type Point = { t: number; v: number; describe: string };

type Props = { points: Point[]; summary: string; height?: number; formatX: (t: number) => string };

const M = { top: 10, right: 22, bottom: 24, left: 40 };

export function AreaChart({ points, summary, height = 140, formatX }: Props) {
  const { ref, width } = useChartBox();
  const { active, setActive, focusProps } = useActivePoint(points.length);
  const tk = ticks(Math.max(0, ...points.map((p) => p.v)), 3, true);
  const top = tk[tk.length - 1]!;
  const n = points.length;
  const x = linear(0, Math.max(1, n - 1), M.left, width - M.right);
  const y = linear(0, top, height - M.bottom, M.top);
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  const area = n ? `${line}L${x(n - 1).toFixed(1)},${y(0)}L${x(0).toFixed(1)},${y(0)}Z` : '';
  const step = (width - M.left - M.right) / Math.max(1, n - 1);
  const labelEvery = Math.max(1, Math.ceil(70 / Math.max(1, step)));
  return (
    <div class="chart-box" ref={ref}>
      <svg class="chart-svg" width={width} height={height} role="img" aria-label={summary} {...focusProps}>
        <ValueGrid ticks={tk} y={y} left={M.left} right={width - M.right} labelGap={6} format={fmtInt} />
        <path class="area" d={area} />
        <path class="line" d={line} />
        {points.map((p, i) => (
          <g key={p.t} class={`pt${active === i ? ' active' : ''}`} onMouseEnter={() => setActive(i)}>
            <rect class="hit" x={x(i) - step / 2} y={M.top} width={Math.max(1, step)} height={height - M.top - M.bottom} />
            {active === i ? <circle cx={x(i)} cy={y(p.v)} r={4} /> : null}
            {(n - 1 - i) % labelEvery === 0 ? (
              <text class="xlabel" x={x(i)} y={height - 6} text-anchor="middle">
                {formatX(p.t)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <Readout text={active !== null ? points[active]!.describe : null} />
    </div>
  );
}
