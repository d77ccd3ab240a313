/**
 * The reports' pure logic (no DOM, no Preact): time ranges, step drafts and how steps read,
 * event names in a config, regrouping sources, and the words for the message statistics.
 * Unit-tested in Node (model.test.ts).
 */
import type { BanditReport, MessagesReport, PathStep, SourcesReport, Step } from '../../../protocol/analytics';
import type { Json, SiteConfig } from '../api';
import { fmtPct } from '../charts/format';

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Time ranges the reports offer, ending now. */
export const RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
  { id: '365d', label: 'Last 365 days', ms: 365 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];
export const isRangeId = (v: unknown): v is RangeId => RANGES.some((r) => r.id === v);

/** `from` for a range ending now, rounded down to the minute so the same inputs give the same key. */
export function rangeFrom(id: RangeId, now = Date.now()): number {
  const ms = RANGES.find((r) => r.id === id)!.ms;
  return Math.floor((now - ms) / 60_000) * 60_000;
}

/** Where a report's inputs are remembered: one localStorage entry per report and site. */
export const inputsKey = (report: string, siteId: string): string => `wm-report-${report}:${siteId}`;

/** What useReport keys a query by: null (nothing runs) while the inputs are incomplete. */
export const queryKey = (query: unknown): string | null => (query === null ? null : JSON.stringify(query));

/** A step as the form holds it (the value may still be empty or invalid while typing). */
export type StepDraft = { kind: 'event' | 'page'; value: string };
export const isStepDraft = (v: unknown): v is StepDraft => isRecord(v) && (v['kind'] === 'event' || v['kind'] === 'page') && typeof v['value'] === 'string';

/** The draft as a query step, or a reason it is not one yet. */
export function toStep(d: StepDraft): { step: Step } | { problem: string } {
  const v = d.value.trim();
  if (!v) return { problem: d.kind === 'event' ? 'Enter an event name.' : 'Enter a page path.' };
  if (d.kind === 'event') return { step: { event: v } };
  if (!v.startsWith('/')) return { problem: 'A page path starts with “/”, e.g. /cart or /product/*.' };
  if (/[?#\s]/.test(v)) return { problem: 'A page path has no spaces, query string or “#”.' };
  return { step: { page: v } };
}

/** The reason toStep gave, for the field's error line; undefined when the step is complete. */
export const problemOf = (parsed: ReturnType<typeof toStep>): string | undefined => ('problem' in parsed ? parsed.problem : undefined);

/** How a step reads: "add_to_cart", or "page /cart" ("any page" for /*). */
export function stepText(s: Step | PathStep): string {
  if ('event' in s) return s.event;
  return s.page === '/*' ? 'any page' : `page ${s.page}`;
}

/** A step inside a sentence: “add_to_cart”, a page view, a view of /cart. */
export function stepPhrase(s: Step): string {
  if ('event' in s) return `“${s.event}”`;
  return s.page === '/*' ? 'a page view' : `a view of ${s.page}`;
}

/** A step's name in a report: its own label if it has one, else as stepText says. */
export function stepName(s: Step): string {
  return s.label?.trim() ? s.label : stepText(s);
}

/** Event names anywhere in a config (segment conditions, message goals and triggers). */
export function configEvents(config: SiteConfig): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, parentKey: string) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, parentKey));
    else if (isRecord(v)) {
      if (typeof v['event'] === 'string') out.add(v['event']);
      if (parentKey === 'trigger' && v['on'] === 'event' && typeof v['name'] === 'string') out.add(v['name']);
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(config.segments as Json[], '');
  walk(config.messages as Json[], '');
  return [...out];
}

export type GroupBy = 'source' | 'medium' | 'campaign';
export type SourceRow = {
  key: string;
  source: string;
  medium: string | null;
  campaign: string | null;
  visitors: number;
  pageViews: number;
  conversions: number;
};

/**
 * Rows regrouped by the chosen key. Each visitor has one first touch, so visitors (and their page
 * views and conversions) add up across the rows that merge.
 */
export function regroup(rows: SourcesReport['rows'], by: GroupBy): SourceRow[] {
  const out = new Map<string, SourceRow>();
  for (const r of rows) {
    const medium = by === 'source' ? null : r.medium;
    const campaign = by === 'campaign' ? (r.campaign ?? '(none)') : null;
    const key = JSON.stringify([r.source, medium, campaign]);
    const cur = out.get(key) ?? { key, source: r.source, medium, campaign, visitors: 0, pageViews: 0, conversions: 0 };
    cur.visitors += r.visitors;
    cur.pageViews += r.pageViews;
    cur.conversions += r.conversions;
    out.set(key, cur);
  }
  return [...out.values()].sort((a, b) => b.visitors - a.visitors || a.key.localeCompare(b.key));
}

/** The statistics in words, from what the API says it computed. */
export function statisticText(s: MessagesReport['statistic']): { rate: string; lift: string; fixedHorizon: string } {
  const pct = `${Math.round(s.confidence * 100)}%`;
  const rate = s.rateInterval === 'wilson' ? `${pct} Wilson score interval` : `${pct} ${s.rateInterval} interval`;
  const lift =
    s.liftInterval === 'always-valid-normal-mixture'
      ? `${pct} always-valid interval (a confidence sequence: it stays right however often you look)`
      : `${pct} ${s.liftInterval} interval`;
  const fixedHorizon =
    s.fixedHorizonLiftInterval === 'newcombe-wilson'
      ? `${pct} Newcombe hybrid score interval (fixed horizon: right only for one look at a planned sample size)`
      : `${pct} ${s.fixedHorizonLiftInterval} interval`;
  return { rate, lift, fixedHorizon };
}

/** Whether an interval lies wholly above (win) or below (loss) zero. */
export function verdict(interval: [number, number]): 'win' | 'loss' | null {
  return interval[0] > 0 ? 'win' : interval[1] < 0 ? 'loss' : null;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago" (a time in the future reads "just now"). */
export function ago(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.floor(h / 24)} d ago`;
}

/** A probability in whole percent that never rounds a small chance to 0% or 100%. */
function pctEnds(p: number): string {
  if (p > 0 && p < 0.01) return '<1%';
  if (p > 0.99 && p < 1) return '>99%';
  return fmtPct(p, 0);
}

export type BanditCell = {
  variant: string;
  /** Share of the non-holdout traffic (0..1). */
  share: number;
  /** "P(best) 93%", or null without a full posterior in this row. */
  best: string | null;
  /** "Beta(9, 3) · 8 of 10 converted", or null. */
  posterior: string | null;
  /** The variant the bandit favours in this row (the largest share, when it is its own split). */
  leads: boolean;
};
export type BanditRow = { segment: string; label: string; note: string | null; cells: BanditCell[] };

/** The bandit section of a message's report as it reads: one row per segment, one cell per variant. */
export function banditView(b: BanditReport, segmentNames: ReadonlyMap<string, string>, now: number): { published: string | null; rows: BanditRow[] } {
  const rows = b.segments.map((s): BanditRow => {
    const top = Math.max(...s.variants.map((v) => v.share));
    const leaders = s.variants.filter((v) => v.share === top).length;
    return {
      segment: s.segment,
      label: s.segment === '*' ? 'All visitors' : (segmentNames.get(s.segment) ?? s.segment),
      note:
        s.from === 'all'
          ? 'not every variant has data here yet: uses the all-visitors split'
          : s.from === 'configured'
            ? 'nothing published yet: the configured weights'
            : null,
      cells: s.variants.map((v) => ({
        variant: v.variant,
        share: v.share,
        best: v.probabilityBest === null ? null : `P(best) ${pctEnds(v.probabilityBest)}`,
        posterior: v.posterior
          ? `Beta(${v.posterior.alpha}, ${v.posterior.beta}) · ${v.posterior.alpha - 1} of ${v.posterior.alpha + v.posterior.beta - 2} converted`
          : null,
        leads: s.from === 'own' && leaders === 1 && v.share === top,
      })),
    };
  });
  return { published: b.updatedAt === null ? null : ago(now - b.updatedAt), rows };
}
