/**
 * How a message experiment's results read for a marketer (pure, unit-tested in
 * experiment-words.test.ts): the verdict of each variant against the holdout in words, how long
 * until a verdict at current traffic, and the sample-ratio check.
 */
import type { MessagesReport } from '../../../protocol/analytics';
import { fmtPct, fmtPp, fmtSignedPct } from '../charts/format';

type Variant = MessagesReport['messages'][number]['variants'][number];
type Lift = NonNullable<Variant['lift']>;
type Outlook = Lift['outlook'];
type Srm = MessagesReport['messages'][number]['srm'];

const range = (i: [number, number]) => `${fmtPp(i[0])} to ${fmtPp(i[1])}`;

/** "Variant a converts better than the holdout" and why, from the always-valid interval only. */
export function verdictWords(variant: string, lift: Lift): { tone: 'win' | 'loss' | 'open'; headline: string; detail: string } {
  const relative = lift.relative !== null ? ` (${fmtSignedPct(lift.relative)} relative)` : '';
  if (lift.significant) {
    const better = lift.interval[0] > 0;
    return {
      tone: better ? 'win' : 'loss',
      headline: `${variant} converts ${better ? 'better' : 'worse'} than the holdout`,
      detail: `${fmtPp(lift.absolute)}${relative}; the lift is between ${fmtPp(lift.interval[0])} and ${fmtPp(lift.interval[1])}. This holds however often you have looked.`,
    };
  }
  return {
    tone: 'open',
    headline: `No verdict yet for ${variant}`,
    detail: `So far ${fmtPp(lift.absolute)}${relative}, but the lift could be anywhere from ${range(lift.interval)}: keep it running.`,
  };
}

/** "About 12 more days to a verdict at current traffic", or why there is no such estimate. */
export function outlookWords(o: Outlook): string {
  switch (o.status) {
    case 'reached':
      return 'Verdict reached.';
    case 'no-data':
      return 'Not enough traffic or conversions yet to estimate when a verdict will come.';
    case 'beyond':
      return `No verdict likely within ${o.horizonDays} days at current traffic${o.basis === 'minimum' ? ' (the lift so far is close to zero)' : ''}.`;
    case 'estimate': {
      const days = `About ${o.days} more ${o.days === 1 ? 'day' : 'days'}`;
      const lift = fmtPp(o.assumedLift, Math.abs(o.assumedLift ?? 0) < 0.001 ? 2 : 1);
      return o.basis === 'observed'
        ? `${days} to a verdict at current traffic, if the lift stays near ${lift}.`
        : `${days} at current traffic to detect a lift of ${lift} (10% of the baseline rate), if there is one: the lift so far is smaller.`;
    }
  }
}

/** The outlook in a table cell: "about 12 more days", "over 90 days". */
export function outlookShort(o: Outlook): string {
  return o.status === 'estimate'
    ? `about ${o.days} more ${o.days === 1 ? 'day' : 'days'}`
    : o.status === 'beyond'
      ? `not within ${o.horizonDays} days`
      : o.status === 'reached'
        ? 'verdict reached'
        : 'too little data to estimate';
}

/** The split check as it reads: a loud warning on a mismatch, a quiet line otherwise. */
export function srmWords(srm: Srm): { tone: 'error' | 'ok' | 'muted'; headline: string; detail: string } {
  const shares = (pick: (a: Srm['arms'][number]) => number) => srm.arms.map((a) => `${a.variant} ${fmtPct(pick(a), 1)}`).join(' · ');
  const p = srm.pValue === null ? '' : srm.pValue < 0.0001 ? 'p < 0.0001' : `p = ${srm.pValue.toFixed(srm.pValue < 0.01 ? 4 : 2)}`;
  switch (srm.status) {
    case 'mismatch':
      return {
        tone: 'error',
        headline: 'Broken traffic split: do not trust these results',
        detail:
          `Visitors should be split ${shares((a) => a.expectedShare)}, but were split ${shares((a) => a.observedShare)} (${p}). ` +
          'Something sends visitors to the wrong group or loses some: a variant that fails to show, a cache, a bot, or weights changed during the range. Fix it, then start a new range.',
      };
    case 'ok':
      return { tone: 'ok', headline: 'Traffic split as configured', detail: `${shares((a) => a.observedShare)} (${p}).` };
    case 'not-checked':
      return { tone: 'muted', headline: 'Traffic split not checked', detail: srm.note ? `${srm.note.charAt(0).toUpperCase()}${srm.note.slice(1)}.` : '' };
  }
}
