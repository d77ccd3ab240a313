/**
 * The E-mail tab (#/s/<site>/email[/<template>|/new]): templates with a preview for a chosen profile
 * (desktop and mobile widths, in a sandboxed frame), the sender and provider (token write-only), the
 * frequency cap and consent fields, the suppression list and the delivery log. Settings are saved
 * through PUT …/email/settings (a versioned config write); docs/email.md.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SiteConfig } from '../api';
import { hrefOf, go } from '../routing';
import type { SiteState } from '../site-state';
import { trustedHtml } from '../trusted';
import { Empty, ErrorBanner, Field, Loading, PageHeader } from '../ui';
import { emailApi, type EmailLogEntry, type EmailPreviewResponse, type EmailTemplate, type ProviderStatus, type Suppression } from './api';
import { blankTemplate, MERGE_FIELDS, profileQuery, settingsOf, withoutTemplate, withTemplate, type Settings } from './model';

type Props = { site: SiteState; onSaved: (c: SiteConfig) => void; id?: string | undefined };

/** Settings are written on top of the live version (they are not part of the draft). */
const baseVersion = (site: SiteState) => site.live?.version ?? site.version;
const liveConfig = (site: SiteState) => (site.live ?? site.config) as Record<string, unknown>;

export function EmailPage(props: Props) {
  return props.id ? <TemplateEditor key={props.id} {...props} id={props.id} /> : <EmailHome {...props} />;
}

function EmailHome({ site, onSaved }: Props) {
  const siteId = site.config.id;
  const settings = settingsOf(liveConfig(site));
  return (
    <>
      <PageHeader title="E-mail" sub="Journey e-mail steps: templates, sender, provider, suppression list and delivery log.">
        <a class="btn" href={hrefOf(siteId, 'email', 'new')}>
          New template
        </a>
      </PageHeader>
      <section class="card" aria-labelledby="email-templates">
        <h2 id="email-templates">Templates</h2>
        {settings.templates.length === 0 ? (
          <Empty title="No templates yet">
            <p>Create one, then add a “Send an e-mail” step to a journey.</p>
          </Empty>
        ) : (
          <table class="table" data-testid="email-templates">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Subject</th>
              </tr>
            </thead>
            <tbody>
              {settings.templates.map((t) => (
                <tr key={t.id}>
                  <td>
                    <a href={hrefOf(siteId, 'email', t.id)}>{t.name}</a>
                  </td>
                  <td class="path">{t.id}</td>
                  <td>{t.subject}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <SenderSettings site={site} settings={settings} onSaved={onSaved} />
      <Suppressions siteId={siteId} />
      <DeliveryLog siteId={siteId} />
    </>
  );
}

function SenderSettings({ site, settings, onSaved }: { site: SiteState; settings: Settings; onSaved: (c: SiteConfig) => void }) {
  const siteId = site.config.id;
  const [form, setForm] = useState(settings);
  const [status, setStatus] = useState<ProviderStatus | null>(null);
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    emailApi.provider(siteId).then(setStatus, setError);
  }, [siteId]);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setSaved('');
    try {
      const r = await emailApi.putSettings(siteId, form, baseVersion(site));
      onSaved(r.site);
      setSaved('Saved.');
    } catch (err) {
      setError(err);
    }
  };
  const saveToken = async () => {
    setError(null);
    try {
      setStatus(await emailApi.setToken(siteId, token));
      setToken('');
    } catch (err) {
      setError(err);
    }
  };
  const sender = form.sender ?? { name: '', address: '' };
  return (
    <section class="card" aria-labelledby="email-sender">
      <h2 id="email-sender">Sender and provider</h2>
      {error ? <ErrorBanner error={error} /> : null}
      <form onSubmit={save}>
        <div class="grid-2">
          <Field label="From name" path="sender.name" issues={[]}>
            {(id) => <input id={id} value={sender.name} onInput={(e) => setForm({ ...form, sender: { ...sender, name: e.currentTarget.value } })} />}
          </Field>
          <Field label="From address" path="sender.address" issues={[]}>
            {(id) => (
              <input id={id} type="email" value={sender.address} onInput={(e) => setForm({ ...form, sender: { ...sender, address: e.currentTarget.value } })} />
            )}
          </Field>
        </div>
        <div class="grid-3">
          <Field label="Provider" path="provider" issues={[]} hint={status?.demoMailbox ? 'Local demo: e-mail goes to /_wm/demo/mailbox.' : undefined}>
            {(id) => (
              <select id={id} value={form.provider} onChange={(e) => setForm({ ...form, provider: e.currentTarget.value as Settings['provider'] })}>
                <option value="cloudflare">Cloudflare Email (send_email binding)</option>
                <option value="resend">Resend (HTTP API)</option>
              </select>
            )}
          </Field>
          <Field label="At most (e-mails)" path="frequencyCap.max" issues={[]}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                value={form.frequencyCap.max}
                onInput={(e) => setForm({ ...form, frequencyCap: { ...form.frequencyCap, max: Number(e.currentTarget.value) } })}
              />
            )}
          </Field>
          <Field label="per (days)" path="frequencyCap.days" issues={[]}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                value={form.frequencyCap.days}
                onInput={(e) => setForm({ ...form, frequencyCap: { ...form.frequencyCap, days: Number(e.currentTarget.value) } })}
              />
            )}
          </Field>
        </div>
        <p class="hint">
          An e-mail goes only to a profile whose {form.addressField.source} “{form.addressField.key}” holds an address and whose {form.consentField.source} “
          {form.consentField.key}” is true, and never to a suppressed address.
        </p>
        <button class="btn" type="submit">
          Save e-mail settings
        </button>{' '}
        <span role="status">{saved}</span>
      </form>
      {form.provider === 'resend' ? (
        <div class="grid-2">
          <Field label="Resend API token (write-only)" path="token" issues={[]} hint={status?.tokenSet ? `Set (…${status.tokenLast4 ?? ''})` : 'Not set'}>
            {(id) => <input id={id} type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} />}
          </Field>
          <div>
            <button class="btn secondary" type="button" disabled={!token} onClick={saveToken}>
              Save token
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function Suppressions({ siteId }: { siteId: string }) {
  const [list, setList] = useState<Suppression[] | null>(null);
  const [address, setAddress] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    emailApi.suppressions(siteId).then((r) => setList(r.suppressions), setError);
  }, [siteId]);
  const run = async (p: Promise<{ suppressions: Suppression[] }>) => {
    setError(null);
    try {
      setList((await p).suppressions);
      setAddress('');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="card" aria-labelledby="email-suppressions">
      <h2 id="email-suppressions">Suppression list</h2>
      <p class="hint">Unsubscribed, bounced or added by hand: no e-mail goes to these addresses.</p>
      {error ? <ErrorBanner error={error} /> : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(emailApi.suppress(siteId, address));
        }}
      >
        <Field label="Add an address" path="address" issues={[]}>
          {(id) => <input id={id} type="email" value={address} onInput={(e) => setAddress(e.currentTarget.value)} />}
        </Field>
        <button class="btn secondary" type="submit" disabled={!address}>
          Suppress
        </button>
      </form>
      {list === null ? (
        <Loading what="the suppression list" />
      ) : list.length === 0 ? (
        <p>No suppressed addresses.</p>
      ) : (
        <table class="table compact" data-testid="email-suppressions">
          <thead>
            <tr>
              <th>Address</th>
              <th>Why</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.address}>
                <td>{s.address}</td>
                <td>{s.reason}</td>
                <td>{new Date(s.at).toLocaleString()}</td>
                <td>
                  <button class="btn secondary" type="button" onClick={() => void run(emailApi.unsuppress(siteId, s.address))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DeliveryLog({ siteId }: { siteId: string }) {
  const [entries, setEntries] = useState<EmailLogEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => emailApi.deliveries(siteId).then((r) => setEntries(r.deliveries), setError);
  useEffect(() => {
    void load();
  }, [siteId]);
  return (
    <section class="card" aria-labelledby="email-log">
      <h2 id="email-log">Delivery log</h2>
      {error ? <ErrorBanner error={error} /> : null}
      <button class="btn secondary" type="button" onClick={() => void load()}>
        Refresh
      </button>
      {entries === null ? (
        <Loading what="the delivery log" />
      ) : entries.length === 0 ? (
        <p>No e-mail yet.</p>
      ) : (
        <table class="table compact delivery-log" data-testid="email-log">
          <thead>
            <tr>
              <th>Time</th>
              <th>Journey / step</th>
              <th>Template</th>
              <th>To</th>
              <th>Status</th>
              <th>Provider id</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.delivery}-${e.attempt}-${e.at}`}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>
                  {e.journey} / {e.step}
                </td>
                <td>{e.template}</td>
                <td>{e.recipient}</td>
                <td>
                  <span class="pill">{e.status}</span> {e.reason ?? ''}
                </td>
                <td class="path">{e.providerMessageId ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The rendered HTML part in a frame that runs nothing (sandbox=""), at a reader's width. */
function EmailFrame({ html, width }: { html: string; width: number }) {
  const doc = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head><body>${html}</body></html>`;
  const trusted = useMemo(() => trustedHtml(doc), [doc]);
  return <iframe class="email-frame" sandbox="" srcdoc={trusted} title="E-mail preview" width={width} height={420} data-testid="email-preview-frame" />;
}

function TemplateEditor({ site, onSaved, id }: Props & { id: string }) {
  const siteId = site.config.id;
  const settings = settingsOf(liveConfig(site));
  const isNew = id === 'new';
  const stored = settings.templates.find((t) => t.id === id);
  const [t, setT] = useState<EmailTemplate>(stored ?? blankTemplate());
  const [error, setError] = useState<unknown>(null);
  const [who, setWho] = useState('');
  const [width, setWidth] = useState(640);
  const [preview, setPreview] = useState<EmailPreviewResponse | null>(null);
  const [testTo, setTestTo] = useState('');
  const [note, setNote] = useState('');
  if (!isNew && !stored)
    return (
      <>
        <PageHeader title="E-mail template" />
        <p class="banner info">No template “{id}”.</p>
      </>
    );
  const set = (patch: Partial<EmailTemplate>) => setT({ ...t, ...patch });
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await emailApi.putSettings(siteId, withTemplate(settings, t, isNew ? undefined : id), baseVersion(site));
      onSaved(r.site);
      setNote('Saved.');
      if (isNew || t.id !== id) go(siteId, 'email', t.id);
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    setError(null);
    try {
      onSaved((await emailApi.putSettings(siteId, withoutTemplate(settings, id), baseVersion(site))).site);
      go(siteId, 'email');
    } catch (err) {
      setError(err);
    }
  };
  const runPreview = async () => {
    setError(null);
    try {
      setPreview(await emailApi.preview(siteId, { draft: { ...t, id: t.id || 'draft' }, ...profileQuery(who) }));
    } catch (err) {
      setError(err);
    }
  };
  const sendTest = async () => {
    setError(null);
    try {
      const r = await emailApi.test(siteId, id, testTo);
      setNote(`Test e-mail: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <PageHeader title={isNew ? 'New e-mail template' : `E-mail template: ${stored?.name ?? id}`}>
        <a class="btn secondary" href={hrefOf(siteId, 'email')}>
          All e-mail
        </a>
      </PageHeader>
      {error ? <ErrorBanner error={error} /> : null}
      <form onSubmit={save} class="card">
        <div class="grid-2">
          <Field label="Name" path="name" issues={[]}>
            {(fid) => <input id={fid} value={t.name} onInput={(e) => set({ name: e.currentTarget.value })} />}
          </Field>
          <Field label="Id" path="id" issues={[]} hint="Journeys name the template by this id.">
            {(fid) => <input id={fid} value={t.id} disabled={!isNew} onInput={(e) => set({ id: e.currentTarget.value })} />}
          </Field>
        </div>
        <Field label="Subject" path="subject" issues={[]}>
          {(fid) => <input id={fid} value={t.subject} onInput={(e) => set({ subject: e.currentTarget.value })} />}
        </Field>
        <Field label="HTML body" path="html" issues={[]} hint="Sanitized like every marketer HTML: no script, no event handlers; links and images kept.">
          {(fid) => <textarea id={fid} rows={8} class="code" value={t.html} onInput={(e) => set({ html: e.currentTarget.value })} />}
        </Field>
        <Field label="Text body" path="text" issues={[]}>
          {(fid) => <textarea id={fid} rows={6} value={t.text} onInput={(e) => set({ text: e.currentTarget.value })} />}
        </Field>
        <details>
          <summary>Merge fields</summary>
          <table class="table compact">
            <tbody>
              {MERGE_FIELDS.map(([tag, what]) => (
                <tr key={tag}>
                  <td>
                    <code>{tag}</code>
                  </td>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">A field the profile lacks shows its default, or nothing. Values are escaped.</p>
        </details>
        <button class="btn" type="submit">
          Save template
        </button>{' '}
        {!isNew ? (
          <button class="btn danger" type="button" onClick={() => void remove()}>
            Delete
          </button>
        ) : null}{' '}
        <span role="status">{note}</span>
      </form>
      <section class="card" aria-labelledby="email-preview">
        <h2 id="email-preview">Preview</h2>
        <div class="grid-3">
          <Field label="For a profile (visitor id or user id)" path="profile" issues={[]} hint="Empty: no profile, defaults show.">
            {(fid) => <input id={fid} value={who} onInput={(e) => setWho(e.currentTarget.value)} />}
          </Field>
          <Field label="Width" path="width" issues={[]}>
            {(fid) => (
              <select id={fid} value={String(width)} onChange={(e) => setWidth(Number(e.currentTarget.value))}>
                <option value="640">Desktop (640 px)</option>
                <option value="390">Mobile (390 px)</option>
              </select>
            )}
          </Field>
          <div>
            <button class="btn secondary" type="button" onClick={() => void runPreview()}>
              Preview
            </button>
          </div>
        </div>
        {preview ? (
          <div data-testid="email-preview">
            <p>
              <strong>Subject:</strong> <span data-testid="email-preview-subject">{preview.subject}</span>
            </p>
            {preview.wouldSend ? (
              <p class={`banner ${preview.wouldSend.ok ? 'info' : 'warn'}`}>
                {preview.wouldSend.ok
                  ? 'This profile would get it now.'
                  : `This profile would be skipped: ${preview.wouldSend.reason} (${preview.wouldSend.detail}).`}
              </p>
            ) : null}
            <EmailFrame html={preview.html} width={width} />
            <h3>Text part</h3>
            <pre data-testid="email-preview-text">{preview.text}</pre>
          </div>
        ) : null}
      </section>
      {!isNew ? (
        <section class="card" aria-labelledby="email-test">
          <h2 id="email-test">Send a test</h2>
          <div class="grid-2">
            <Field label="To" path="to" issues={[]}>
              {(fid) => <input id={fid} type="email" value={testTo} onInput={(e) => setTestTo(e.currentTarget.value)} />}
            </Field>
            <div>
              <button class="btn secondary" type="button" disabled={!testTo} onClick={() => void sendTest()}>
                Send test
              </button>
            </div>
          </div>
        </section>
      ) : null}
    </>
  );
}
