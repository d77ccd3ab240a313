/** The horizontal grid lines of a chart's value axis, each with its label left of the plot. */
export function ValueGrid({
  ticks,
  y,
  left,
  right,
  labelGap,
  format,
}: {
  ticks: number[];
  /** Value to pixel row. */
  y: (v: number) => number;
  left: number;
  right: number;
  /** How far left of the plot the labels end. */
  labelGap: number;
  format: (v: number) => string;
}) {
  return (
    <>
      {ticks.map((v) => (
        <g key={v} class="tick">
          <line x1={left} x2={right} y1={y(v)} y2={y(v)} />
          <text x={left - labelGap} y={y(v)} dy="0.32em" text-anchor="end">
            {format(v)}
          </text>
        </g>
      ))}
    </>
  );
}
