/**
 * Number formatting and axis scales shared by the report charts. Pure (no DOM): the charts, the
 * tables beside them and the e2e spec all show the same strings.
 */

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234 -> "1,234"; anything not finite -> "–". */
export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : intFmt.format(n);
}

/** A share 0..1 as a percentage: 0.4567 -> "45.7%" (digits after the point, default 1). */
export function fmtPct(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(digits)}%`;
}

/** A signed difference of shares in percentage points: 0.031 -> "+3.1 pp". */
export function fmtPp(diff: number | null | undefined, digits = 1): string {
  if (diff === null || diff === undefined || !Number.isFinite(diff)) return '–';
  const v = diff * 100;
  const s = v.toFixed(digits);
  return `${v > 0 && Number(s) !== 0 ? '+' : ''}${Number(s) === 0 ? (0).toFixed(digits) : s} pp`;
}

/** A signed relative change: 0.25 -> "+25.0%". */
export function fmtSignedPct(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  const s = (share * 100).toFixed(digits);
  return `${share > 0 && Number(s) !== 0 ? '+' : ''}${Number(s) === 0 ? (0).toFixed(digits) : s}%`;
}

/** Milliseconds as the largest sensible unit: 950 -> "950 ms", 75_000 -> "1 min 15 s", 90_000_000 -> "1 d 1 h". */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** Epoch ms as local "Nov 23, 18:04:05". */
export function fmtTime(ts: number): string {
  return new Date(ts).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/**
 * A "nice" upper bound for an axis that starts at zero: the smallest 1, 2, 2.5 or 5 x 10^k that is
 * at least `max` (0 or less gives 1, so an all-zero chart still has an axis).
 */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= max - 1e-12) return m * pow;
  return 10 * pow;
}

/**
 * Ticks from 0 past `max` at a nice step (1, 2, 2.5 or 5 x 10^k) giving about `count` intervals.
 * With `integer` (counts), the step is at least 1 and never 2.5, so every tick is a whole number.
 */
export function ticks(max: number, count = 4, integer = false): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : integer ? 1 : niceMax(max);
  let step = niceMax(top / count);
  if (integer) {
    step = Math.max(1, step);
    if (step % 1 !== 0) step = niceMax(step * 1.2);
    step = Math.max(1, Math.round(step));
  }
  const n = Math.max(1, Math.ceil(top / step - 1e-9));
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(Number((step * i).toPrecision(12)));
  return out;
}

/**
 * Ticks for a signed interval axis (lift): a symmetric-ish range that always contains zero,
 * rounded outward to a nice step. Returns [min, max, ticks].
 */
export function signedTicks(lo: number, hi: number, count = 4): { min: number; max: number; ticks: number[] } {
  let min = Math.min(0, Number.isFinite(lo) ? lo : 0);
  let max = Math.max(0, Number.isFinite(hi) ? hi : 0);
  if (max - min < 1e-9) {
    min = -0.01;
    max = 0.01;
  }
  const step = niceMax((max - min) / count);
  min = Math.floor(min / step + 1e-9) * step;
  max = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) out.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return { min, max, ticks: out };
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to r0. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** Cuts `s` to `max` characters with an ellipsis (SVG text does not wrap or clip by itself). */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/**
 * Background for a heat cell with share 0..1: near-white to a mid blue. The ramp stops at a blue
 * light enough (relative luminance 0.27) that the dashboard's dark text keeps 4.5:1 on every cell,
 * so there is no band where neither dark nor white text would be readable.
 */
export function heat(share: number): string {
  const t = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0));
  const from = [246, 248, 255];
  const to = [116, 137, 222];
  const c = from.map((f, i) => Math.round(f + (to[i]! - f) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
