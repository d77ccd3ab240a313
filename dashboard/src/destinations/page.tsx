/**
 * Destinations (docs/destinations.md): where the site's stored events are forwarded server-side.
 * The list shows each one's status (last attempt, pending, dead letters); the editor its settings,
 * write-only secrets ("set ••••abcd", replace), event and consent filters, the mapping for its kind
 * (read-only), "Send test event", the delivery log and the dead letter with replay.
 */
import { useEffect, useState } from 'preact/hooks';
import type {
  DeadLettersResponse,
  DestinationLogEntry,
  DestinationResponse,
  DestinationsResponse,
  DestinationView,
  TestSendResponse,
} from '../../../protocol/destinations';
import { DESTINATION_KINDS, DESTINATION_SECRETS, KIND_LABELS, KIND_TRANSPORT, MAPPINGS, type DestinationKind } from '../../../protocol/destinations-mapping';
import { ApiError, call, type Json } from '../api';
import { go, hrefOf } from '../routing';
import { Empty, ErrorBanner, Field, Loading, PageHeader } from '../ui';
import { blankForm, bodyOf, formOf, idFrom, SECRET_LABELS, secretText, SETTING_FIELDS, type DestinationForm } from './model';

const base = (site: string) => `/sites/${encodeURIComponent(site)}/destinations`;
/** The dashboard runs on this machine: the local demo's receiver may be offered. */
const LOCAL = /^(127\.0\.0\.1|localhost)$/.test(location.hostname);
/** A table's header row. */
function Head({ cols }: { cols: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : '—');

export function Destinations({ siteId, id }: { siteId: string; id?: string | undefined }) {
  const [data, setData] = useState<DestinationsResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => {
    setError(null);
    try {
      setData(await call<DestinationsResponse>('GET', base(siteId)));
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, [siteId, id]);
  if (!data) return error ? <ErrorBanner error={error} onReload={load} /> : <Loading what="destinations" />;
  if (id) {
    const view = data.destinations.find((d) => d.destination.id === id);
    if (id !== 'new' && !view) return <ErrorBanner error={new ApiError(404, `no destination "${id}"`)} />;
    return <DestinationEditor key={id} siteId={siteId} view={view ?? null} version={data.version} onChanged={load} />;
  }
  return <DestinationList siteId={siteId} data={data} />;
}

function DestinationList({ siteId, data }: { siteId: string; data: DestinationsResponse }) {
  return (
    <>
      <PageHeader
        title="Destinations"
        sub="Stored events forwarded server-side to the tools you already use. Nothing leaves without the visitor’s analytics consent."
      >
        <a class="btn primary" href={hrefOf(siteId, 'destinations', 'new')}>
          Add destination
        </a>
      </PageHeader>
      {!data.destinations.length ? (
        <Empty title="No destinations yet">
          <p>Forward page views, purchases and identifies to GA4, Mixpanel, PostHog, Segment, Amplitude or a signed webhook.</p>
        </Empty>
      ) : (
        <table class="table destinations-list">
          <Head cols={['Name', 'Kind', 'Status', 'Last attempt', 'Delivered (7 days)', 'Waiting', 'Dead letters']} />
          <tbody>
            {data.destinations.map(({ destination: d, status }) => (
              <tr key={d.id} data-destination={d.id}>
                <td>
                  <a href={hrefOf(siteId, 'destinations', d.id)}>{d.name}</a>
                </td>
                <td>
                  <span class="pill">{KIND_LABELS[d.kind]}</span>
                </td>
                <td>{d.enabled ? 'Enabled' : 'Disabled'}</td>
                <td>
                  {status.lastOutcome ? <span class={`pill outcome-${status.lastOutcome}`}>{status.lastOutcome}</span> : null} {when(status.lastAttemptAt)}
                  {status.lastError ? <div class="small">{status.lastError}</div> : null}
                </td>
                <td class="num">{status.delivered}</td>
                <td class="num">{status.pending}</td>
                <td class="num">{status.dead ? <strong>{status.dead}</strong> : 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function DestinationEditor({
  siteId,
  view,
  version,
  onChanged,
}: {
  siteId: string;
  view: DestinationView | null;
  version: number;
  onChanged: () => Promise<void>;
}) {
  const isNew = view === null;
  const [form, setForm] = useState<DestinationForm>(() => (view ? formOf(view.destination as Json) : blankForm()));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  const issues = error instanceof ApiError ? error.issues : [];
  const set = (patch: Partial<DestinationForm>) => setForm((f) => ({ ...f, ...patch }));
  const id = isNew ? idFrom(form.name) : form.id;

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await call<DestinationResponse>('PUT', `${base(siteId)}/${encodeURIComponent(id)}`, bodyOf(form, version));
      set({ secrets: {} });
      setSaved('Saved.');
      await onChanged();
      if (isNew) go(siteId, 'destinations', id);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    if (!confirm(`Delete the destination "${form.name}"? Its secrets, waiting events, dead letters and log go too.`)) return;
    try {
      await call('DELETE', `${base(siteId)}/${encodeURIComponent(id)}?version=${version}`);
      go(siteId, 'destinations');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader title={isNew ? 'New destination' : form.name} sub={KIND_TRANSPORT[form.kind]}>
        <a class="btn ghost" href={hrefOf(siteId, 'destinations')}>
          All destinations
        </a>
      </PageHeader>
      <form onSubmit={save} noValidate class="editor destination-editor">
        <ErrorBanner error={error} />
        {saved && !error ? (
          <p class="banner ok" role="status">
            {saved}
          </p>
        ) : null}
        <section class="card">
          <div class="grid-3">
            <Field label="Name" path="name" issues={issues}>
              {(fid) => <input id={fid} value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />}
            </Field>
            <Field label="Kind" path="kind" issues={issues} hint={isNew ? `id: ${id}` : `id: ${form.id}`}>
              {(fid) => (
                <select
                  id={fid}
                  value={form.kind}
                  disabled={!isNew}
                  onChange={(e) => {
                    const kind = e.currentTarget.value as DestinationKind;
                    set({ kind, settings: blankForm(kind).settings, secrets: {} });
                  }}
                >
                  {DESTINATION_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div class="grid-3">
            {SETTING_FIELDS[form.kind]
              .filter((f) => (!f.onlyWhen || form.settings[f.onlyWhen.key] === f.onlyWhen.value) && (!f.localOnly || LOCAL || form.settings[f.key]))
              .map((f) => (
                <Field key={f.key} label={f.label} path={`settings.${f.key}`} issues={issues} {...(f.hint ? { hint: f.hint } : {})}>
                  {(fid) =>
                    f.options ? (
                      <select
                        id={fid}
                        value={form.settings[f.key] ?? ''}
                        onChange={(e) => set({ settings: { ...form.settings, [f.key]: e.currentTarget.value } })}
                      >
                        {f.options.map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        id={fid}
                        value={form.settings[f.key] ?? ''}
                        onInput={(e) => set({ settings: { ...form.settings, [f.key]: e.currentTarget.value } })}
                      />
                    )
                  }
                </Field>
              ))}
          </div>
          <label class="check">
            <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            Enabled (a disabled destination sends nothing; events waiting for it are dropped)
          </label>
        </section>
        <section class="card" aria-labelledby="dest-secrets">
          <h2 id="dest-secrets">Secrets</h2>
          <p class="hint block">
            Write-only: Waymark never shows a stored secret again, only that it is set and its last 4 characters. Type a new one to replace it.
          </p>
          <div class="grid-3">
            {DESTINATION_SECRETS[form.kind].map((name) => (
              <Field key={name} label={`${SECRET_LABELS[name] ?? name}: ${secretText(view?.secrets[name])}`} path={`secrets.${name}`} issues={issues}>
                {(fid) => (
                  <input
                    id={fid}
                    type="password"
                    autocomplete="off"
                    placeholder={view?.secrets[name]?.set ? 'Replace…' : 'Paste the key'}
                    value={form.secrets[name] ?? ''}
                    onInput={(e) => set({ secrets: { ...form.secrets, [name]: e.currentTarget.value } })}
                  />
                )}
              </Field>
            ))}
          </div>
        </section>
        <section class="card" aria-labelledby="dest-filters">
          <h2 id="dest-filters">Filters</h2>
          <div class="grid-3">
            <Field
              label="Only these events"
              path="filters.events.include"
              issues={issues}
              hint="Comma-separated: a track event’s name, or page, identify, group, alias, prefs. Empty: all."
            >
              {(fid) => <input id={fid} value={form.include} onInput={(e) => set({ include: e.currentTarget.value })} />}
            </Field>
            <Field label="Never these events" path="filters.events.exclude" issues={issues}>
              {(fid) => <input id={fid} value={form.exclude} onInput={(e) => set({ exclude: e.currentTarget.value })} />}
            </Field>
          </div>
          <label class="check">
            <input type="checkbox" checked disabled /> Analytics consent (always required: events stored without it do not exist)
          </label>
          <label class="check">
            <input type="checkbox" checked={form.personalization} onChange={(e) => set({ personalization: e.currentTarget.checked })} />
            Also require personalization consent
          </label>
        </section>
        <section class="card" aria-labelledby="dest-mapping">
          <h2 id="dest-mapping">Mapping to {KIND_LABELS[form.kind]}</h2>
          <table class="table compact mapping">
            <Head cols={['Waymark', KIND_LABELS[form.kind]]} />
            <tbody>
              {MAPPINGS[form.kind].map((row) => (
                <tr key={row.waymark}>
                  <td>{row.waymark}</td>
                  <td>{row.provider.replaceAll('`', '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint block">Consent events are never forwarded.</p>
        </section>
        <div class="actions">
          <button type="submit" class="btn primary" disabled={saving}>
            {saving ? 'Saving…' : isNew ? 'Create destination' : 'Save'}
          </button>
          {!isNew ? (
            <button type="button" class="btn danger-outline" onClick={remove}>
              Delete
            </button>
          ) : null}
        </div>
      </form>
      {!isNew ? <Deliveries siteId={siteId} id={form.id} /> : null}
    </>
  );
}

function Deliveries({ siteId, id }: { siteId: string; id: string }) {
  const [entries, setEntries] = useState<DestinationLogEntry[] | null>(null);
  const [dead, setDead] = useState<DeadLettersResponse | null>(null);
  const [test, setTest] = useState<TestSendResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const path = `${base(siteId)}/${encodeURIComponent(id)}`;
  const load = async () => {
    setError(null);
    try {
      const [log, letters] = await Promise.all([
        call<{ entries: DestinationLogEntry[] }>('GET', `${path}/log?limit=50`),
        call<DeadLettersResponse>('GET', `${path}/dead-letters?limit=50`),
      ]);
      setEntries(log.entries);
      setDead(letters);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, [path]);
  const sendTest = async () => {
    setBusy(true);
    setError(null);
    try {
      setTest(await call<TestSendResponse>('POST', `${path}/test`));
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const replay = async () => {
    setError(null);
    try {
      await call('POST', `${path}/dead-letters/replay`, {});
      await load();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <section class="card" aria-labelledby="dest-test">
        <div class="section-head">
          <h2 id="dest-test">Send a test event</h2>
          <button type="button" class="btn small" onClick={sendTest} disabled={busy} data-testid="send-test">
            {busy ? 'Sending…' : 'Send test event'}
          </button>
        </div>
        <p class="hint block">Sends one track event named waymark_test now, with the saved settings and secrets (filters not applied).</p>
        {test ? (
          <div class={`banner ${test.ok ? 'ok' : 'warn'}`} role="status" data-testid="test-result">
            <p>
              <strong>{test.ok ? 'Accepted' : 'Refused'}</strong>: {test.status === null ? 'no answer' : `HTTP ${test.status}`} in {test.latencyMs} ms
              {test.error ? ` (${test.error})` : ''}
            </p>
            {test.bodyExcerpt ? <pre class="code">{test.bodyExcerpt}</pre> : null}
          </div>
        ) : null}
      </section>
      <section class="card" aria-labelledby="dest-log">
        <div class="section-head">
          <h2 id="dest-log">Delivery log</h2>
          <button type="button" class="btn small" onClick={load}>
            Refresh
          </button>
        </div>
        <p class="hint block">
          One line per request. 429, 408, 409, 425, 5xx and network errors are retried with backoff (5 s, 5 min, 30 min, 2 h … 24 h; a Retry-After answer sets
          the next try); other 4xx go to the dead letter at once.
        </p>
        <ErrorBanner error={error} />
        {!entries ? null : !entries.length ? (
          <Empty title="Nothing sent yet">
            <p>Requests appear here as stored events are forwarded.</p>
          </Empty>
        ) : (
          <table class="table compact delivery-log">
            <Head cols={['When', 'Outcome', 'Events', 'Response', 'Attempt', 'Error / next try']} />
            <tbody>
              {entries.map((e, i) => (
                <tr key={i} data-outcome={e.outcome}>
                  <td class="nowrap">{when(e.at)}</td>
                  <td>
                    <span class={`pill outcome-${e.outcome}`}>{e.test ? `test: ${e.outcome}` : e.outcome}</span>
                  </td>
                  <td class="num">{e.events}</td>
                  <td class="nowrap">
                    {e.status ?? 'no answer'} · {e.latencyMs} ms
                  </td>
                  <td class="num">{e.attempt}</td>
                  <td class="small">
                    {e.error ?? ''}
                    {e.nextAt ? ` (next try ${when(e.nextAt)})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="dest-dead">
        <div class="section-head">
          <h2 id="dest-dead">Dead letter {dead ? `(${dead.total})` : ''}</h2>
          {dead?.total ? (
            <button type="button" class="btn small" onClick={replay}>
              Replay all
            </button>
          ) : null}
        </div>
        {!dead ? null : !dead.total ? (
          <p class="hint block">Nothing here: every event was delivered or is still being retried.</p>
        ) : (
          <table class="table compact dead-letters">
            <Head cols={['Event', 'Happened', 'Attempts', 'Why']} />
            <tbody>
              {dead.deadLetters.map((d) => (
                <tr key={d.eventId}>
                  <td>
                    {d.name} <span class="small path">{d.eventId}</span>
                  </td>
                  <td class="nowrap">{when(d.at)}</td>
                  <td class="num">{d.attempts}</td>
                  <td class="small">{d.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
