/** A proportional bar inside a table cell (ranked rows: paths, sources); decorative, the number is beside it. */
export function Meter({ share, tone }: { share: number; tone?: 'accent' | 'muted' }) {
  const pct = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0)) * 100;
  return (
    <span class={`meter${tone === 'muted' ? ' muted' : ''}`} aria-hidden="true">
      <span style={{ width: `${pct}%` }} />
    </span>
  );
}
