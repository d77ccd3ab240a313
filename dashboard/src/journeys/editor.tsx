/**
 * The journey editor (multi-step orchestration per visitor): entry trigger, an ordered list of steps (each with its own form), branch and wait targets, goal, re-entry and the
 * enabled switch. The edge validates everything again (protocol/config/journeys.ts) and its field
 * errors show next to the fields (paths like steps.2.message).
 */
import { useState } from 'preact/hooks';
import { type Issue, type Json } from '../api';
import { describeCondition } from '../../../protocol/config/describe';
import { localIssues, useEditor } from '../editing';
import { go } from '../routing';
import type { EditorProps } from '../site-state';
import { DeleteZone, EditorTop, NameIdFields } from '../editor-parts';
import { Field, FieldErrors, NotFound } from '../ui';
import { blankJourney, blankStep, journeyDraft, KINDS, minutesFrom, unitFor, UNITS, type Unit } from './model';

/** A number of minutes, typed in minutes, hours or days. */
function DurationField({
  label,
  path,
  issues,
  minutes,
  onChange,
}: {
  label: string;
  path: string;
  issues: Issue[];
  minutes: unknown;
  onChange: (m: number | string) => void;
}) {
  const m = Number(minutes);
  const [unit, setUnit] = useState<Unit>(() => unitFor(m));
  const amount = Number.isFinite(m) && m > 0 ? String(m / UNITS[unit]) : String(minutes ?? '');
  const set = (value: string, u: Unit) => {
    onChange(minutesFrom(value, u));
  };
  return (
    <Field label={label} path={path} issues={issues}>
      {(id, invalid) => (
        <span class="inline-select duration">
          <input id={id} inputMode="decimal" aria-invalid={invalid} value={amount} onInput={(e) => set(e.currentTarget.value, unit)} />
          <select aria-label={`${label} unit`} value={unit} onChange={(e) => setUnit(e.currentTarget.value as Unit)}>
            {Object.keys(UNITS).map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </span>
      )}
    </Field>
  );
}

/** A branch condition as JSON (the same language as segments), with its plain-words reading. */
function ConditionField({ path, issues, value, onChange }: { path: string; issues: Issue[]; value: unknown; onChange: (c: unknown, error: string) => void }) {
  const [text, setText] = useState(() => JSON.stringify(value ?? { trait: 'plan', test: { op: 'eq', value: 'gold' } }, null, 2));
  const [error, setError] = useState('');
  let words = '';
  try {
    words = describeCondition(JSON.parse(text) as Json);
  } catch {
    words = '';
  }
  return (
    <Field
      label="Condition (JSON, as in segments)"
      path={path}
      issues={issues}
      local={error || undefined}
      hint={words ? `Reads: ${words}` : 'e.g. {"trait": "plan", "test": {"op": "eq", "value": "gold"}}'}
    >
      {(id, invalid) => (
        <textarea
          id={id}
          class="code"
          rows={4}
          aria-invalid={invalid}
          value={text}
          onInput={(e) => {
            const t = e.currentTarget.value;
            setText(t);
            try {
              const parsed: unknown = JSON.parse(t);
              setError('');
              onChange(parsed, '');
            } catch {
              setError('not valid JSON yet');
              onChange(value, 'not valid JSON');
            }
          }}
        />
      )}
    </Field>
  );
}

function TargetSelect({
  label,
  path,
  issues,
  value,
  steps,
  self,
  fallback,
  onChange,
}: {
  label: string;
  path: string;
  issues: Issue[];
  value: unknown;
  steps: Json[];
  self: number;
  fallback: string;
  onChange: (v: string | undefined) => void;
}) {
  return (
    <Field label={label} path={path} issues={issues}>
      {(id) => (
        <select id={id} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value || undefined)}>
          <option value="">{fallback}</option>
          {steps.map((s, i) =>
            i === self || !s['id'] ? null : (
              <option key={i} value={s['id']}>
                {i + 1}. {s['id']} ({KINDS[s['kind']] ?? s['kind']})
              </option>
            ),
          )}
        </select>
      )}
    </Field>
  );
}

export function JourneyEditor(props: EditorProps) {
  const ed = useEditor('journeys', props, blankJourney);
  const [confirming, setConfirming] = useState(false);
  const [badJson, setBadJson] = useState<Record<number, string>>({});
  const [addKind, setAddKind] = useState('message');
  const siteId = props.site.config.id;
  if (!ed.item) return <NotFound kind="journey" id={props.id} siteId={siteId} tab="journeys" />;
  const j = ed.item;
  const issues = ed.issues;
  const steps = (j['steps'] ?? []) as Json[];
  const entry = (j['entry'] ?? { event: '' }) as Json;
  const reentry = j['reentry'] ?? 'never';
  const messages = props.site.config.messages;
  const webhooks = (props.site.config['webhooks'] ?? []) as Json[];
  const emailTemplates = ((props.site.config['email'] as Json | undefined)?.['templates'] ?? []) as Json[];
  const setStep = (i: number, patch: Json) => ed.update({ steps: steps.map((s, k) => (k === i ? { ...s, ...patch } : s)) });
  const move = (i: number, by: number) => {
    const next = [...steps];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    ed.update({ steps: next });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const { id, body, issues: local } = journeyDraft(j, badJson, { isNew: ed.isNew, existing: (props.site.config['journeys'] ?? []) as Json[] });
    const ok = await ed.save(id, body, localIssues(local));
    if (ok && ed.isNew) go(siteId, 'journeys', id);
  };
  const del = async () => {
    if (await ed.remove()) go(siteId, 'journeys');
  };

  const text = (label: string, path: string, value: unknown, onInput: (v: string) => void, placeholder = '') => (
    <Field label={label} path={path} issues={issues}>
      {(id, invalid) => (
        <input id={id} aria-invalid={invalid} placeholder={placeholder} value={String(value ?? '')} onInput={(e) => onInput(e.currentTarget.value)} />
      )}
    </Field>
  );
  const pick = (label: string, path: string, value: unknown, options: Json[], onChange: (v: string) => void) => (
    <Field label={label} path={path} issues={issues}>
      {(id, invalid) => (
        <select id={id} aria-invalid={invalid} value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">Choose…</option>
          {options.map((o) => (
            <option key={o['id']} value={o['id']}>
              {o['name']}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const stepForm = (s: Json, i: number) => {
    const p = `steps.${i}`;
    const next = (
      <TargetSelect
        label="Then go to"
        path={`${p}.next`}
        issues={issues}
        value={s['next']}
        steps={steps}
        self={i}
        fallback="The following step"
        onChange={(v) => setStep(i, { next: v })}
      />
    );
    switch (s['kind']) {
      case 'message':
        return (
          <div class="grid-2">
            {pick('Message', `${p}.message`, s['message'], messages, (message) => setStep(i, { message }))}
            {next}
          </div>
        );
      case 'setTrait':
        return (
          <div class="grid-3">
            {text('Trait', `${p}.key`, s['key'], (key) => setStep(i, { key }), 'journey_stage')}
            {text('Value', `${p}.value`, s['value'], (value) => setStep(i, { value }), 'nudged')}
            {next}
          </div>
        );
      case 'webhook':
        return (
          <div class="grid-2">
            {pick('Webhook', `${p}.webhook`, s['webhook'], webhooks, (webhook) => setStep(i, { webhook }))}
            {next}
          </div>
        );
      case 'email':
        return (
          <div class="grid-2">
            {pick('E-mail template', `${p}.template`, s['template'], emailTemplates, (template) => setStep(i, { template }))}
            {next}
          </div>
        );
      case 'wait':
        return (
          <div class="grid-2">
            <DurationField label="Wait" path={`${p}.minutes`} issues={issues} minutes={s['minutes']} onChange={(minutes) => setStep(i, { minutes })} />
            {next}
            {/* Best time (docs/journeys-and-webhooks.md): hold on until the visitor's usual active hour. */}
            <label class="check">
              <input
                type="checkbox"
                data-testid={`best-hour-${i}`}
                checked={s['until'] === 'best-hour'}
                onChange={(e) => setStep(i, { until: e.currentTarget.checked ? 'best-hour' : undefined })}
              />
              Then wait for the visitor’s usual active hour (learned from their own history, in their time zone)
            </label>
          </div>
        );
      case 'waitFor':
        return (
          <div class="grid-2">
            {text('Event', `${p}.event`, s['event'], (event) => setStep(i, { event }), 'checkout_start')}
            <DurationField
              label="At most"
              path={`${p}.timeoutMinutes`}
              issues={issues}
              minutes={s['timeoutMinutes']}
              onChange={(timeoutMinutes) => setStep(i, { timeoutMinutes })}
            />
            <TargetSelect
              label="If it happens, go to"
              path={`${p}.onEvent`}
              issues={issues}
              value={s['onEvent']}
              steps={steps}
              self={i}
              fallback="The following step"
              onChange={(v) => setStep(i, { onEvent: v })}
            />
            <TargetSelect
              label="If time runs out, go to"
              path={`${p}.onTimeout`}
              issues={issues}
              value={s['onTimeout']}
              steps={steps}
              self={i}
              fallback="The following step"
              onChange={(v) => setStep(i, { onTimeout: v })}
            />
          </div>
        );
      case 'branch':
        return (
          <>
            <ConditionField
              path={`${p}.condition`}
              issues={issues}
              value={s['condition']}
              onChange={(condition, error) => {
                setBadJson({ ...badJson, [i]: error });
                if (!error) setStep(i, { condition });
              }}
            />
            <div class="grid-2">
              <TargetSelect
                label="If true, go to"
                path={`${p}.then`}
                issues={issues}
                value={s['then']}
                steps={steps}
                self={i}
                fallback="Choose…"
                onChange={(v) => setStep(i, { then: v })}
              />
              <TargetSelect
                label="Otherwise, go to"
                path={`${p}.else`}
                issues={issues}
                value={s['else']}
                steps={steps}
                self={i}
                fallback="The following step"
                onChange={(v) => setStep(i, { else: v })}
              />
            </div>
          </>
        );
      default:
        return <p class="hint block">The visitor leaves the journey here.</p>;
    }
  };

  return (
    <form onSubmit={submit} noValidate class="editor journey-editor">
      <EditorTop ed={ed} kind="journey" siteId={siteId} tab="journeys" newSub="Steps run in each visitor’s profile at the edge." />
      <section class="card">
        <div class="grid-2">
          <NameIdFields ed={ed} />
        </div>
        <label class="check">
          <input type="checkbox" checked={j['enabled'] !== false} onChange={(e) => ed.update({ enabled: e.currentTarget.checked })} />
          Enabled (disabling lets every visitor in it go and admits nobody new)
        </label>
      </section>
      <section class="card">
        <h2>Entry, goal and re-entry</h2>
        <div class="grid-3">
          <Field label="Starts when" path="entry" issues={issues}>
            {(id) => (
              <select
                id={id}
                value={'segmentEntered' in entry ? 'segment' : 'event'}
                onChange={(e) => ed.update({ entry: e.currentTarget.value === 'segment' ? { segmentEntered: '' } : { event: '' } })}
              >
                <option value="event">An event happens</option>
                <option value="segment">The visitor enters a segment</option>
              </select>
            )}
          </Field>
          {'segmentEntered' in entry
            ? pick('Segment', 'entry.segmentEntered', entry['segmentEntered'], props.site.config.segments, (segmentEntered) =>
                ed.update({ entry: { segmentEntered } }),
              )
            : text('Event', 'entry.event', entry['event'], (event) => ed.update({ entry: { event } }), 'add_to_cart')}
          {text('Goal event (ends the journey at any step)', 'goal.event', j['goal']?.['event'], (event) => ed.update({ goal: { event } }), 'purchase')}
        </div>
        <div class="grid-3">
          <Field label="Re-entry" path="reentry" issues={issues}>
            {(id) => (
              <select
                id={id}
                value={typeof reentry === 'object' ? 'days' : String(reentry)}
                onChange={(e) => ed.update({ reentry: e.currentTarget.value === 'days' ? { afterDays: 7 } : e.currentTarget.value })}
              >
                <option value="never">Once per visitor</option>
                <option value="after-exit">Again after leaving</option>
                <option value="days">Again after some days</option>
              </select>
            )}
          </Field>
          {typeof reentry === 'object'
            ? text('Days after the last entry', 'reentry.afterDays', (reentry as Json)['afterDays'], (v) =>
                ed.update({ reentry: { afterDays: v.trim() === '' ? v : Number(v) } }),
              )
            : null}
        </div>
      </section>
      <section class="card" aria-labelledby="steps-head">
        <h2 id="steps-head">Steps</h2>
        <p class="hint block">Steps run top to bottom unless a step says where to go. A loop needs a wait in it.</p>
        <FieldErrors issues={issues.filter((x) => x.path === 'steps')} path="steps" />
        <ol class="step-list journey-steps">
          {steps.map((s, i) => (
            <li key={i} class="card variant journey-step" data-kind={s['kind']}>
              <div class="section-head">
                <h3>
                  {i + 1}. {KINDS[s['kind']] ?? s['kind']}
                </h3>
                <span>
                  <button type="button" class="btn ghost small" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class="btn ghost small"
                    aria-label={`Move step ${i + 1} down`}
                    disabled={i === steps.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="btn ghost small"
                    aria-label={`Remove step ${i + 1}`}
                    onClick={() => ed.update({ steps: steps.filter((_, k) => k !== i) })}
                  >
                    Remove
                  </button>
                </span>
              </div>
              <div class="grid-2">
                {text('Step id', `steps.${i}.id`, s['id'], (id) => setStep(i, { id }))}
                <Field label="Kind" path={`steps.${i}.kind`} issues={issues}>
                  {(id) => (
                    <select id={id} value={s['kind']} onChange={(e) => setStep(i, { ...blankStep(e.currentTarget.value, steps), id: s['id'] })}>
                      {Object.entries(KINDS).map(([k, label]) => (
                        <option key={k} value={k}>
                          {label}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
              {stepForm(s, i)}
            </li>
          ))}
        </ol>
        <div class="copy-row">
          <select aria-label="Kind of step to add" value={addKind} onChange={(e) => setAddKind(e.currentTarget.value)}>
            {Object.entries(KINDS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
          <button type="button" class="btn small" disabled={steps.length >= 50} onClick={() => ed.update({ steps: [...steps, blankStep(addKind, steps)] })}>
            Add step
          </button>
        </div>
      </section>
      <DeleteZone
        ed={ed}
        confirming={confirming}
        setConfirming={setConfirming}
        onDelete={del}
        button="Delete journey"
        question={
          <>
            Delete the journey <strong>{j['name']}</strong>? Visitors in it leave it at their next wait.
          </>
        }
      />
    </form>
  );
}
