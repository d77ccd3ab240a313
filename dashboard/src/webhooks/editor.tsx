/**
 * The webhook editor: an endpoint journeys call (Slack, generic JSON, CRM-style), its own signing
 * secret, and the delivery log of every attempt. The secret is write-only: the API never returns
 * it, so the form shows "set" and only sends a new one when the marketer enters it.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type DeliveryLogEntry, type Json } from '../api';
import { localIssues, useEditor } from '../editing';
import { go } from '../routing';
import type { EditorProps } from '../site-state';
import { DeleteZone, EditorTop, NameIdFields } from '../editor-parts';
import { Empty, ErrorBanner, Field, Loading, NotFound } from '../ui';
import { blankWebhook, FORMATS, journeysCalling, newSecret, outcomeLabel, webhookDraft } from './model';

function DeliveryLog({ siteId, webhook }: { siteId: string; webhook: string }) {
  const [entries, setEntries] = useState<DeliveryLogEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => {
    setError(null);
    try {
      setEntries((await api.deliveries(siteId, webhook)).deliveries);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, [siteId, webhook]);
  return (
    <section class="card" aria-labelledby="delivery-log">
      <div class="section-head">
        <h2 id="delivery-log">Delivery log</h2>
        <button type="button" class="btn small" onClick={load}>
          Refresh
        </button>
      </div>
      <p class="hint block">Every attempt, newest first. Failed deliveries are retried after 1 min, 5 min, 30 min, 2 h and 12 h, then dead-lettered.</p>
      <ErrorBanner error={error} />
      {!entries ? (
        error ? null : (
          <Loading what="deliveries" />
        )
      ) : !entries.length ? (
        <Empty title="No deliveries yet">
          <p>Deliveries appear here when a journey reaches a step that calls this webhook.</p>
        </Empty>
      ) : (
        <table class="table compact delivery-log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Response</th>
              <th scope="col">Attempt</th>
              <th scope="col">Journey step</th>
              <th scope="col">Visitor</th>
              <th scope="col">Error / next try</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((d) => (
              <tr key={d.seq} data-outcome={d.outcome}>
                <td class="nowrap">{new Date(d.at).toLocaleString()}</td>
                <td>
                  <span class={`pill outcome-${d.outcome}`}>{outcomeLabel(d.outcome)}</span>
                </td>
                <td class="nowrap">
                  {d.statusCode ?? 'no answer'} · {d.durationMs} ms
                </td>
                <td class="num">{d.attempt}</td>
                <td>
                  {d.journey} → {d.step}
                </td>
                <td class="path">{d.visitor}</td>
                <td class="small">
                  {d.error ?? ''}
                  {d.nextAt ? ` (next try ${new Date(d.nextAt).toLocaleString()})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function WebhookEditor(props: EditorProps) {
  const ed = useEditor('webhooks', props, blankWebhook);
  const [confirming, setConfirming] = useState(false);
  const [revealed, setRevealed] = useState(false);
  const siteId = props.site.config.id;
  if (!ed.item) return <NotFound kind="webhook" id={props.id} siteId={siteId} tab="webhooks" />;
  const w = ed.item;
  const issues = ed.issues;
  const secretSet = w['secretSet'] === true;
  const usedBy = journeysCalling((props.site.config['journeys'] ?? []) as Json[], w['id']);

  const submit = async (e: Event) => {
    e.preventDefault();
    const { id, body, issues: local } = webhookDraft(w, { isNew: ed.isNew, existing: (props.site.config['webhooks'] ?? []) as Json[] });
    const ok = await ed.save(id, body, localIssues(local));
    if (ok) setRevealed(false);
    if (ok && ed.isNew) go(siteId, 'webhooks', id);
  };
  const del = async () => {
    if (await ed.remove()) go(siteId, 'webhooks');
  };

  return (
    <form onSubmit={submit} noValidate class="editor">
      <EditorTop ed={ed} kind="webhook" siteId={siteId} tab="webhooks" newSub="Where journey steps send their events." />
      <section class="card">
        <div class="grid-3">
          <NameIdFields ed={ed} />
          <Field label="Format" path="format" issues={issues}>
            {(id) => (
              <select id={id} value={w['format']} onChange={(e) => ed.update({ format: e.currentTarget.value })}>
                {Object.entries(FORMATS).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          label="URL"
          path="url"
          issues={issues}
          hint="https only (http://127.0.0.1 or http://localhost for local testing, delivered only in the local demo)."
        >
          {(id, invalid) => (
            <input id={id} type="url" aria-invalid={invalid} value={w['url'] ?? ''} onInput={(e) => ed.update({ url: e.currentTarget.value })} />
          )}
        </Field>
        <label class="check">
          <input type="checkbox" checked={w['enabled'] !== false} onChange={(e) => ed.update({ enabled: e.currentTarget.checked })} />
          Enabled (a disabled webhook dead-letters its deliveries instead of sending them)
        </label>
      </section>
      <section class="card">
        <h2>Signing secret</h2>
        <p class="hint block">
          Every request carries <code>Waymark-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>, the HMAC-SHA256 of <code>&lt;t&gt;.&lt;body&gt;</code>{' '}
          with this secret, and <code>Waymark-Delivery</code> (the same id on every retry, to deduplicate).
        </p>
        {secretSet && typeof w['secret'] !== 'string' ? (
          <div class="copy-row">
            <span>A secret is set. It is never shown again.</span>
            <button
              type="button"
              class="btn small"
              onClick={() => {
                ed.update({ secret: newSecret() });
                setRevealed(true);
              }}
            >
              Replace with a new secret
            </button>
          </div>
        ) : (
          <Field
            label="Secret"
            path="secret"
            issues={issues}
            hint={revealed || ed.isNew ? 'Copy it into the receiving system now: after saving it is never shown again.' : ''}
          >
            {(id, invalid) => (
              <input id={id} class="code" aria-invalid={invalid} value={w['secret'] ?? ''} onInput={(e) => ed.update({ secret: e.currentTarget.value })} />
            )}
          </Field>
        )}
      </section>
      {!ed.isNew ? <DeliveryLog siteId={siteId} webhook={String(w['id'])} /> : null}
      <DeleteZone
        ed={ed}
        confirming={confirming}
        setConfirming={setConfirming}
        onDelete={del}
        button="Delete webhook"
        question={
          <>
            Delete the webhook <strong>{w['name']}</strong>?
            {usedBy.length ? ` Journeys that call it must be changed first: ${usedBy.map((j) => j['name']).join(', ')}.` : ''}
          </>
        }
      />
    </form>
  );
}
