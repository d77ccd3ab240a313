/**
 * Point estimates with 95% intervals as horizontal error bars, one row each: conversion rates per
 * variant, or lift over the holdout on a signed axis with the zero line drawn (an interval that
 * does not cross it is a significant difference).
 */
import { clip, linear, niceMax, signedTicks, ticks } from './format';
import { Readout, useActivePoint, useChartBox } from './frame';

export type Interval = {
  label: string;
  value: number;
  lo: number;
  hi: number;
  /** Colours the row: a significant win, a significant loss, the reference (holdout), or plain. */
  tone?: 'win' | 'loss' | 'reference' | 'plain';
  describe: string;
};

type Props = {
  rows: Interval[];
  summary: string;
  /** "rate": 0-based axis; "signed": an axis around zero with the zero line marked. */
  axis: 'rate' | 'signed';
  format: (v: number) => string;
};

const ROW = 34;
const M = { top: 8, right: 30, bottom: 28, left: 150 };

export function IntervalChart({ rows, summary, axis, format }: Props) {
  const { ref, width } = useChartBox();
  const { active, setActive, focusProps } = useActivePoint(rows.length);
  const lo = Math.min(...rows.map((r) => r.lo));
  const hi = Math.max(...rows.map((r) => r.hi));
  let dMin = 0;
  let dMax: number;
  let tk: number[];
  if (axis === 'signed') {
    const s = signedTicks(lo, hi);
    dMin = s.min;
    dMax = s.max;
    tk = s.ticks;
  } else {
    dMax = Math.min(1, niceMax(hi)) || 1;
    tk = ticks(dMax);
  }
  const height = M.top + rows.length * ROW + M.bottom;
  const x = linear(dMin, dMax, M.left, width - M.right);
  const chars = Math.floor((M.left - 12) / 7.2);
  return (
    <div class="chart-box" ref={ref}>
      <svg class="chart-svg" width={width} height={height} role="img" aria-label={summary} {...focusProps}>
        {tk.map((v) => (
          <g key={v} class={`tick${axis === 'signed' && v === 0 ? ' zero' : ''}`}>
            <line x1={x(v)} x2={x(v)} y1={M.top} y2={height - M.bottom} />
            <text x={x(v)} y={height - M.bottom + 16} text-anchor="middle">
              {format(v)}
            </text>
          </g>
        ))}
        {rows.map((r, i) => {
          const cy = M.top + i * ROW + ROW / 2;
          const on = active === i;
          return (
            <g key={i} class={`interval ${r.tone ?? 'plain'}${on ? ' active' : ''}`} onMouseEnter={() => setActive(i)}>
              <rect class="hit" x={0} y={cy - ROW / 2} width={width} height={ROW} />
              <text class="ylabel" x={M.left - 12} y={cy} dy="0.32em" text-anchor="end">
                <title>{r.label}</title>
                {clip(r.label, chars)}
              </text>
              <line class="whisker" x1={x(r.lo)} x2={x(r.hi)} y1={cy} y2={cy} />
              <line class="cap" x1={x(r.lo)} x2={x(r.lo)} y1={cy - 6} y2={cy + 6} />
              <line class="cap" x1={x(r.hi)} x2={x(r.hi)} y1={cy - 6} y2={cy + 6} />
              <circle class="point" cx={x(r.value)} cy={cy} r={5} />
            </g>
          );
        })}
      </svg>
      <Readout text={active !== null ? rows[active]!.describe : null} />
    </div>
  );
}
