/** The segment editor: name and id, the condition builder (or JSON), and the live count. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Issue, type SegmentCountReport } from '../api';
import { describeCondition } from '../../../protocol/config/describe';
import {
  blankSegment,
  builderFromJson,
  conditionOrUndefined,
  fromModel,
  LEAF_KINDS,
  newRow,
  OP_LABELS,
  OPS,
  rowPath,
  rowProblems,
  segmentDraft,
  toModel,
  type LeafKind,
  type Model,
  type Row,
} from './model';
import { localIssues, useEditor } from '../editing';
import { go } from '../routing';
import type { EditorProps } from '../site-state';
import { DeleteZone, EditorTop, NameIdFields } from '../editor-parts';
import { NotFound, Field, FieldErrors } from '../ui';

const COUNT_DEBOUNCE_MS = 600;
const int = new Intl.NumberFormat('en-US');

/** "≈ N of M profiles match" for the draft condition, asked again a moment after each edit. */
function LiveCount({ siteId, condition }: { siteId: string; condition: unknown }) {
  const key = JSON.stringify(condition ?? null);
  const [state, setState] = useState<{ key: string; report?: SegmentCountReport; error?: unknown } | null>(null);
  useEffect(() => {
    if (condition === undefined) return;
    let alive = true;
    const timer = setTimeout(() => {
      api.segmentCount(siteId, condition).then(
        (report) => alive && setState({ key, report }),
        (error) => alive && setState({ key, error }),
      );
    }, COUNT_DEBOUNCE_MS);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [siteId, key]);
  let body;
  if (condition === undefined) body = <span class="muted">Fix the condition to see how many visitors match.</span>;
  else if (!state || state.key !== key)
    body = (
      <span class="muted">
        <span class="spinner" aria-hidden="true" />
        Counting matching profiles…
      </span>
    );
  else if (state.error)
    body =
      state.error instanceof ApiError && state.error.status === 400 ? (
        <span class="muted">Complete the rules to see how many visitors match.</span>
      ) : (
        <span class="count-error">Could not count matching profiles: {state.error instanceof Error ? state.error.message : String(state.error)}</span>
      );
  else {
    const r = state.report!;
    body = (
      <>
        <strong class="count-n">
          ≈ {int.format(r.matching)} of {int.format(r.total)}
        </strong>{' '}
        profiles match now{r.sampled ? ` (estimated from a sample of ${int.format(r.evaluated)})` : ''}. <span class="muted small">{r.note}</span>
      </>
    );
  }
  return (
    <p class="live-count" role="status" aria-live="polite" data-testid="segment-count">
      {body}
    </p>
  );
}

function RowEditor({
  row,
  onChange,
  onRemove,
  issues,
  path,
  index,
  showProblems,
}: {
  row: Row;
  onChange: (r: Row) => void;
  onRemove?: (() => void) | undefined;
  issues: Issue[];
  path: string;
  index: number;
  showProblems: boolean;
}) {
  const set = (patch: Partial<Row>) => onChange({ ...row, ...patch });
  const problems = showProblems ? rowProblems(row) : {};
  const ops = OPS[row.kind];
  const n = index + 1;
  const testPath = `${path}.test`;
  return (
    <fieldset class="cond-row">
      <legend class="sr-only">Rule {n}</legend>
      <Field label={`Rule ${n}: what`} path={`${path}.__kind`} issues={issues}>
        {(id) => (
          <select id={id} value={row.kind} onChange={(e) => onChange(newRow(e.currentTarget.value as LeafKind))}>
            {LEAF_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {row.kind === 'pref' || row.kind === 'trait' || row.kind === 'event' ? (
        <Field
          label={row.kind === 'event' ? 'Event name' : row.kind === 'pref' ? 'Preference' : 'Trait'}
          path={`${path}.${row.kind}`}
          issues={issues}
          local={problems['key']}
        >
          {(id, invalid) => (
            <input
              id={id}
              value={row.key}
              aria-invalid={invalid}
              placeholder={row.kind === 'event' ? 'add_to_cart' : row.kind === 'pref' ? 'sport' : 'plan'}
              onInput={(e) => set({ key: e.currentTarget.value })}
            />
          )}
        </Field>
      ) : null}
      {ops.length ? (
        <Field label="Test" path={`${testPath}.op`} issues={issues}>
          {(id) => (
            <select id={id} value={row.op} onChange={(e) => set({ op: e.currentTarget.value })}>
              {ops.map((o) => (
                <option key={o} value={o}>
                  {OP_LABELS[o]}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {ops.length && row.op !== 'exists' && row.op !== 'missing' ? (
        <Field
          label="Value"
          path={`${testPath}.value`}
          issues={issues}
          local={problems['value']}
          hint={row.op === 'in' || row.op === 'nin' ? 'Separate values with commas' : undefined}
        >
          {(id, invalid) => (
            <input
              id={id}
              value={row.value}
              aria-invalid={invalid}
              placeholder={row.kind === 'page' ? '/category/running' : row.kind === 'utm' ? 'newsletter' : 'road'}
              onInput={(e) => set({ value: e.currentTarget.value })}
            />
          )}
        </Field>
      ) : null}
      {row.kind === 'locale' ? (
        <Field
          label="Language is one of"
          path={`${path}.locale.in`}
          issues={issues}
          local={problems['value']}
          hint="Language tags separated by commas, e.g. fr, de-ch. “fr” also matches fr-ca and fr-be. The visitor’s browser language, else their locale trait."
        >
          {(id, invalid) => (
            <input id={id} value={row.value} aria-invalid={invalid} placeholder="fr, de-ch" onInput={(e) => set({ value: e.currentTarget.value })} />
          )}
        </Field>
      ) : null}
      {row.kind === 'event' ? (
        <>
          <Field label="At least" path={`${path}.min`} issues={issues} class="narrow">
            {(id) => <input id={id} type="number" min="0" value={row.min} onInput={(e) => set({ min: e.currentTarget.value })} />}
          </Field>
          <Field label="At most" path={`${path}.max`} issues={issues} class="narrow">
            {(id) => <input id={id} type="number" min="0" value={row.max} onInput={(e) => set({ max: e.currentTarget.value })} />}
          </Field>
          <Field label="Within" path={`${path}.within`} issues={issues} local={problems['within']} class="narrow">
            {(id) => <input id={id} value={row.within} placeholder="7d" onInput={(e) => set({ within: e.currentTarget.value })} />}
          </Field>
        </>
      ) : null}
      {row.kind === 'device' || row.kind === 'visitor' || row.kind === 'identified' ? (
        <Field label="Is" path={`${path}.${row.kind}`} issues={issues}>
          {(id) => (
            <select id={id} value={row.value} onChange={(e) => set({ value: e.currentTarget.value })}>
              {(row.kind === 'device' ? ['mobile', 'tablet', 'desktop'] : row.kind === 'visitor' ? ['new', 'returning'] : ['true', 'false']).map((v) => (
                <option key={v} value={v}>
                  {row.kind === 'identified' ? (v === 'true' ? 'identified (logged in)' : 'anonymous') : v}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {onRemove ? (
        <button type="button" class="btn ghost small remove" onClick={onRemove} aria-label={`Remove rule ${n}`}>
          Remove
        </button>
      ) : null}
      <FieldErrors issues={issues.filter((i) => i.path === path)} path={path} />
    </fieldset>
  );
}

export function SegmentEditor(props: EditorProps) {
  const ed = useEditor('segments', props, blankSegment);
  const siteId = props.site.config.id;
  const [model, setModel] = useState<Model | null>(() => toModel(ed.item?.['condition']));
  const [json, setJson] = useState(() => JSON.stringify(ed.item?.['condition'] ?? {}, null, 2));
  const [jsonError, setJsonError] = useState('');
  const [checked, setChecked] = useState(false);
  const [confirming, setConfirming] = useState(false);

  if (!ed.item) return <NotFound kind="segment" id={props.id} siteId={siteId} tab="segments" />;
  const item = ed.item;
  const issues = ed.issues;

  const toJson = () => {
    const cond = model ? fromModel(model) : item['condition'];
    setJson(JSON.stringify(cond, null, 2));
    setJsonError('');
    setModel(null);
  };
  const toBuilder = () => {
    const back = builderFromJson(json);
    if ('error' in back) {
      setJsonError(back.error);
      return;
    }
    setModel(back.model);
    setJsonError('');
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setChecked(true);
    const {
      id,
      body,
      issues: local,
      jsonError: badJson,
    } = segmentDraft(item, model ? { model } : { json }, {
      isNew: ed.isNew,
      existing: props.site.config.segments,
    });
    if (!model) setJsonError(badJson ?? '');
    const ok = await ed.save(id, body, localIssues(local));
    if (ok && ed.isNew) go(siteId, 'segments', id);
  };

  const del = async () => {
    if (await ed.remove()) go(siteId, 'segments');
    setConfirming(false);
  };

  return (
    <form onSubmit={submit} noValidate class="editor">
      <EditorTop ed={ed} kind="segment" siteId={siteId} tab="segments" newSub="Describe who belongs in it." />
      <section class="card">
        <div class="grid-2">
          <NameIdFields ed={ed} idHint={ed.isNew ? 'Used by slots and messages; cannot change later.' : 'Ids cannot change.'} />
        </div>
        <Field label="Description (optional)" path="description" issues={issues}>
          {(id) => <input id={id} value={item['description'] ?? ''} onInput={(e) => ed.update({ description: e.currentTarget.value })} />}
        </Field>
      </section>

      <section class="card">
        <div class="section-head">
          <h2>Who is in it</h2>
          {model ? (
            <button type="button" class="btn ghost small" onClick={toJson}>
              Edit as JSON
            </button>
          ) : (
            <button type="button" class="btn ghost small" onClick={toBuilder}>
              Use the form
            </button>
          )}
        </div>
        {model ? (
          <>
            {model.rows.length > 1 ? (
              <div class="field inline">
                <label for="combinator">Visitors who match</label>
                <select id="combinator" value={model.combinator} onChange={(e) => setModel({ ...model, combinator: e.currentTarget.value as 'all' | 'any' })}>
                  <option value="all">all of these rules</option>
                  <option value="any">any of these rules</option>
                </select>
              </div>
            ) : null}
            {model.rows.map((row, i) => {
              const path = rowPath(model, i);
              return (
                <RowEditor
                  key={i}
                  row={row}
                  index={i}
                  path={path}
                  issues={issues}
                  showProblems={checked}
                  onChange={(r) => setModel({ ...model, rows: model.rows.map((x, j) => (j === i ? r : x)) })}
                  onRemove={model.rows.length > 1 ? () => setModel({ ...model, rows: model.rows.filter((_, j) => j !== i) }) : undefined}
                />
              );
            })}
            <button type="button" class="btn small" onClick={() => setModel({ ...model, rows: [...model.rows, newRow()] })}>
              Add a rule
            </button>
            <p class="describe-live">
              <span class="muted">Reads as:</span> {describeCondition(fromModel(model))}
            </p>
            <LiveCount siteId={siteId} condition={fromModel(model)} />
          </>
        ) : (
          <Field
            label="Condition (JSON)"
            path="condition"
            issues={issues}
            local={jsonError || undefined}
            hint="The full condition language: all / any / not over traits, prefs, consent, events, inactivity, page, referrer, UTM, device, geo."
          >
            {(id, invalid) => (
              <textarea id={id} class="code" rows={12} spellcheck={false} aria-invalid={invalid} value={json} onInput={(e) => setJson(e.currentTarget.value)} />
            )}
          </Field>
        )}
        {model ? null : <LiveCount siteId={siteId} condition={conditionOrUndefined(json)} />}
      </section>

      <DeleteZone
        ed={ed}
        confirming={confirming}
        setConfirming={setConfirming}
        onDelete={del}
        button="Delete segment…"
        question={
          <>
            Delete the segment <strong>{item['name']}</strong>? Slots and messages that use it must be changed first.
          </>
        }
      />
    </form>
  );
}
