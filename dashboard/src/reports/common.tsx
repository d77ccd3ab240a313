/**
 * What the report screens share: running a query when its inputs settle, remembering a report's
 * inputs per site, the time range picker, and the step input (an event name or a page path) with
 * suggestions collected from the site's own data.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SiteConfig } from '../api';
import { reportsApi } from './api';
import { configEvents, inputsKey, queryKey, RANGES, isRangeId, type RangeId, type StepDraft } from './model';

export * from './model';

/** `stale`: the data shown answer other inputs than the current ones (a newer request is pending). */
export type Report<R> = { data: R | null; loading: boolean; stale: boolean; error: unknown; reload: () => void };

/**
 * Runs `run` whenever `key` changes (after `delay` ms without another change, so typing does not
 * fire a request per key), and on reload(). Answers that arrive after a newer request started are
 * dropped. `key === null` means the inputs are incomplete: nothing runs and the last data stay.
 */
export function useReport<R>(key: string | null, run: () => Promise<R>, delay = 350): Report<R> {
  const [answer, setAnswer] = useState<{ data: R; key: string } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    if (key === null) return;
    const mine = ++seq.current;
    const timer = setTimeout(
      () => {
        setLoading(true);
        runRef.current().then(
          (r) => {
            if (mine !== seq.current) return;
            setAnswer({ data: r, key });
            setError(null);
            setLoading(false);
          },
          (e: unknown) => {
            if (mine !== seq.current) return;
            setError(e);
            setLoading(false);
          },
        );
      },
      nonce ? 0 : delay,
    );
    return () => clearTimeout(timer);
  }, [key, nonce]);
  return {
    data: answer?.data ?? null,
    loading,
    stale: loading || (answer !== null && answer.key !== key),
    error,
    reload: () => setNonce((n) => n + 1),
  };
}

/** useState kept in localStorage under `key` (a report's inputs survive tab changes and reloads). */
export function usePersisted<T>(key: string, initial: T, valid: (v: unknown) => v is T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      if (raw !== null) {
        const parsed: unknown = JSON.parse(raw);
        if (valid(parsed)) return parsed;
      }
    } catch {
      /* storage blocked or stale JSON: start from the defaults */
    }
    return initial;
  });
  const set = (v: T) => {
    setValue(v);
    try {
      localStorage.setItem(key, JSON.stringify(v));
    } catch {
      /* storage full or blocked: the inputs just are not remembered */
    }
  };
  return [value, set];
}

/**
 * A report's inputs, remembered per site (see usePersisted), and a setter taking only the fields
 * that change.
 */
export function useReportInputs<T extends object>(
  report: string,
  site: SiteConfig,
  defaults: T,
  valid: (v: unknown) => v is T,
): [T, (patch: Partial<T>) => void] {
  const [inputs, setInputs] = usePersisted<T>(inputsKey(report, site.id), defaults, valid);
  return [inputs, (patch) => setInputs({ ...inputs, ...patch })];
}

/**
 * useReport keyed by the query itself. `query === null` (incomplete inputs) runs nothing and
 * shows no data, so an answer to earlier inputs never stands for the current, unfinished ones.
 */
export function useQueryReport<Q, R>(query: Q | null, run: (query: Q) => Promise<R>): Report<R> {
  const report = useReport<R>(queryKey(query), () => run(query!));
  return query === null ? { ...report, data: null } : report;
}

export function RangeSelect({ id, value, onChange }: { id: string; value: RangeId; onChange: (v: RangeId) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => isRangeId(e.currentTarget.value) && onChange(e.currentTarget.value)}>
      {RANGES.map((r) => (
        <option key={r.id} value={r.id}>
          {r.label}
        </option>
      ))}
    </select>
  );
}

/**
 * The ChartFrame props every report fills the same way from its `useReport`: the Refresh button,
 * loading, busy, error and retry. `ready`: the inputs are complete, so a query can run.
 */
export function frameState(report: Report<unknown>, data: unknown, ready = true) {
  return {
    actions: (
      <button type="button" class="btn small" onClick={report.reload} disabled={!ready || report.loading}>
        {report.loading && data ? 'Updating…' : 'Refresh'}
      </button>
    ),
    loading: ready && !data && !report.error,
    busy: report.stale,
    error: report.error,
    onRetry: report.reload,
  };
}

/** A labelled select in a report's controls row; `options` are [value, label] pairs. */
export function InlineSelect<T extends string | number>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (v: T) => void;
}) {
  return (
    <div class="field inline">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          // Back to the option's own value, so numbers stay numbers.
          const picked = options.find(([v]) => String(v) === e.currentTarget.value);
          if (picked) onChange(picked[0]);
        }}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The time range picker with its label, as a report's controls row shows it. */
export function RangeField({ id, label = 'Time range', value, onChange }: { id: string; label?: string; value: RangeId; onChange: (v: RangeId) => void }) {
  return (
    <div class="field inline">
      <label for={id}>{label}</label>
      <RangeSelect id={id} value={value} onChange={onChange} />
    </div>
  );
}

export type Suggestions = { events: string[]; pages: string[] };

/**
 * Names to suggest in step inputs: events and pages seen in the latest 500 stored events, pages in
 * the last day's top pages, and event names the site's config mentions. Loaded once per site.
 */
export function useSuggestions(site: SiteConfig): Suggestions {
  const [s, setS] = useState<Suggestions>(() => ({ events: configEvents(site).sort(), pages: ['/*'] }));
  useEffect(() => {
    let live = true;
    const events = new Set(configEvents(site));
    const pages = new Set<string>(['/*']);
    Promise.allSettled([reportsApi.stream(site.id, undefined, 500), reportsApi.overview(site.id, 5)]).then(([stream, overview]) => {
      if (!live) return;
      if (stream.status === 'fulfilled')
        for (const e of stream.value.events) {
          if (e.type === 'page') pages.add(e.path);
          else events.add(e.name);
        }
      if (overview.status === 'fulfilled') for (const p of overview.value.topPages) pages.add(p.path);
      setS({ events: [...events].sort(), pages: [...pages].sort() });
    });
    return () => {
      live = false;
    };
  }, [site.id]);
  return s;
}

/** The datalists the step inputs point at (rendered once per screen). */
export function SuggestionLists({ s, prefix }: { s: Suggestions; prefix: string }) {
  return (
    <>
      <datalist id={`${prefix}-events`}>
        {s.events.map((e) => (
          <option key={e} value={e} />
        ))}
      </datalist>
      <datalist id={`${prefix}-pages`}>
        {s.pages.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
    </>
  );
}

/** Kind (event / page) and value of one step, labelled `label` for assistive technology. */
export function StepInput({
  label,
  draft,
  onChange,
  listPrefix,
  problem,
}: {
  label: string;
  draft: StepDraft;
  onChange: (d: StepDraft) => void;
  listPrefix: string;
  problem?: string | undefined;
}) {
  return (
    <span class="step-input">
      <select
        aria-label={`${label}: kind`}
        value={draft.kind}
        onChange={(e) => onChange({ ...draft, kind: e.currentTarget.value === 'page' ? 'page' : 'event' })}
      >
        <option value="event">Event</option>
        <option value="page">Page</option>
      </select>
      <input
        aria-label={label}
        aria-invalid={problem ? 'true' : undefined}
        list={`${listPrefix}-${draft.kind === 'event' ? 'events' : 'pages'}`}
        placeholder={draft.kind === 'event' ? 'e.g. add_to_cart' : 'e.g. /cart or /product/*'}
        value={draft.value}
        onInput={(e) => onChange({ ...draft, value: e.currentTarget.value })}
        spellcheck={false}
        autocomplete="off"
      />
    </span>
  );
}

/** "Nov 23" (UTC: report periods are UTC days and weeks). */
export function fmtDay(ts: number): string {
  return new Date(ts).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
