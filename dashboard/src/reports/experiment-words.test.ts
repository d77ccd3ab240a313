import { describe, expect, it } from 'vitest';
import { outlookShort, outlookWords, srmWords, verdictWords } from './experiment-words';

const lift = {
  absolute: 0.02,
  relative: 0.5,
  interval: [0.005, 0.035] as [number, number],
  significant: true,
  fixedHorizonInterval: [0.01, 0.03] as [number, number],
  outlook: { status: 'reached' as const, days: null, assumedLift: null, basis: null, horizonDays: 90 },
};

describe('verdictWords', () => {
  it('names a winner or loser only from the always-valid interval', () => {
    expect(verdictWords('a', lift)).toMatchObject({ tone: 'win', headline: 'a converts better than the holdout' });
    expect(verdictWords('a', lift).detail).toMatch(/^\+2\.0 pp \(\+50\.0% relative\); the lift is between \+0\.5 pp and \+3\.5 pp/);
    expect(verdictWords('b', { ...lift, absolute: -0.02, relative: null, interval: [-0.03, -0.01] }).tone).toBe('loss');
    // Newcombe's interval excludes 0 but the always-valid one does not: no verdict.
    const open = verdictWords('c', { ...lift, interval: [-0.004, 0.044], significant: false });
    expect(open.tone).toBe('open');
    expect(open.headline).toBe('No verdict yet for c');
  });
});

describe('outlookWords', () => {
  const base = { horizonDays: 90 };
  it('reads "about N more days" for an estimate, by the observed or the minimum lift', () => {
    expect(outlookWords({ ...base, status: 'estimate', days: 12, assumedLift: 0.008, basis: 'observed' })).toBe(
      'About 12 more days to a verdict at current traffic, if the lift stays near +0.8 pp.',
    );
    expect(outlookWords({ ...base, status: 'estimate', days: 1, assumedLift: 0.004, basis: 'minimum' })).toMatch(
      /^About 1 more day at current traffic to detect a lift of \+0\.4 pp/,
    );
  });
  it('says when no verdict is likely, reached, or not estimable', () => {
    expect(outlookWords({ ...base, status: 'beyond', days: null, assumedLift: 0.001, basis: 'minimum' })).toBe(
      'No verdict likely within 90 days at current traffic (the lift so far is close to zero).',
    );
    expect(outlookWords({ ...base, status: 'reached', days: null, assumedLift: null, basis: null })).toBe('Verdict reached.');
    expect(outlookWords({ ...base, status: 'no-data', days: null, assumedLift: null, basis: null })).toMatch(/^Not enough/);
    expect(outlookShort({ ...base, status: 'estimate', days: 3, assumedLift: 0.01, basis: 'observed' })).toBe('about 3 more days');
    expect(outlookShort({ ...base, status: 'beyond', days: null, assumedLift: 0.01, basis: 'observed' })).toBe('not within 90 days');
  });
});

describe('srmWords', () => {
  const arms = [
    { variant: 'a', exposed: 5_200, expectedShare: 0.5, observedShare: 0.52 },
    { variant: 'holdout', exposed: 4_800, expectedShare: 0.5, observedShare: 0.48 },
  ];
  it('warns loudly on a mismatch, with the expected and observed split', () => {
    const w = srmWords({ status: 'mismatch', pValue: 0.00006, threshold: 0.001, arms, note: 'x' });
    expect(w.tone).toBe('error');
    expect(w.headline).toMatch(/do not trust/);
    expect(w.detail).toMatch(/^Visitors should be split a 50\.0% · holdout 50\.0%, but were split a 52\.0% · holdout 48\.0% \(p < 0\.0001\)/);
  });
  it('is quiet when the split fits or was not checked', () => {
    expect(srmWords({ status: 'ok', pValue: 0.31, threshold: 0.001, arms, note: null })).toEqual({
      tone: 'ok',
      headline: 'Traffic split as configured',
      detail: 'a 52.0% · holdout 48.0% (p = 0.31).',
    });
    expect(srmWords({ status: 'not-checked', pValue: null, threshold: 0.001, arms, note: 'the message is no longer configured' }).detail).toBe(
      'The message is no longer configured.',
    );
  });
});
