/**
 * Preview and QA (#/s/<site>/qa[/<visitor id>]): "Preview as" shows the site's real page in a
 * frame at desktop or mobile width as seen by a segment, a stored profile, a message variant or a
 * slot variant (live or draft); shareable QA links force the same for whoever opens them, in any
 * browser, until they expire or are revoked. Both record nothing (docs/preview-and-qa.md).
 * The frame is sandboxed without allow-same-origin, like the message preview (../page-preview.tsx).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Issue, type Json, type SiteConfig } from '../api';
import type { QaForce, QaLink } from '../../../protocol/qa';
import type { ListProps } from '../site-state';
import { DEVICES, type Device } from '../page-preview';
import { CopyBox, ErrorBanner, Field, FieldErrors, PageHeader } from '../ui';
import { safeReturnTo } from '../../../protocol/return-to';
import { qaApi } from './qa-api';

type Kind = QaForce['kind'];
const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'segment', label: 'A segment' },
  { kind: 'profile', label: 'A visitor’s profile' },
  { kind: 'message', label: 'A message variant' },
  { kind: 'slot', label: 'A slot variant' },
];
const DAYS = [1, 3, 7, 14, 30];

type Choice = { kind: Kind; segment: string; visitorId: string; message: string; variant: string; slot: string; slotVariant: string; draft: boolean };

const ids = (list: Json[] | undefined): string[] => (list ?? []).map((x) => String(x['id']));

function initialChoice(config: SiteConfig, visitorId: string | undefined): Choice {
  const message = config.messages[0];
  const slot = config.slots[0];
  return {
    kind: visitorId ? 'profile' : 'segment',
    segment: ids(config.segments)[0] ?? '',
    visitorId: visitorId ?? '',
    message: message ? String(message['id']) : '',
    variant: String(message?.['variants']?.[0]?.['id'] ?? 'default'),
    slot: slot ? String(slot['id']) : '',
    slotVariant: String(slot?.['variants']?.[0]?.['segment'] ?? ''),
    draft: false,
  };
}

function forceOf(c: Choice): QaForce {
  if (c.kind === 'segment') return { kind: 'segment', segment: c.segment };
  if (c.kind === 'profile') return { kind: 'profile', visitorId: c.visitorId.trim() };
  if (c.kind === 'message') return { kind: 'message', message: c.message, variant: c.variant };
  return { kind: 'slot', slot: c.slot, variant: c.slotVariant };
}

/** The words the badge shows (protocol/qa.ts describeForce, without its zod module). */
export function describe(force: QaForce, draft: boolean): string {
  const what =
    force.kind === 'segment'
      ? `segment ${force.segment}`
      : force.kind === 'profile'
        ? `profile ${force.visitorId.slice(0, 8)}...`
        : force.kind === 'message'
          ? `message ${force.message}, variant ${force.variant}`
          : `slot ${force.slot}, variant for ${force.variant}`;
  return draft ? `${what} (draft)` : what;
}

/** What to force: the kind, then the item and its variant, from the site's config; and live or draft. */
function ForcePicker({
  config,
  choice,
  set,
  issues,
  idPrefix,
}: {
  config: SiteConfig;
  choice: Choice;
  set: (c: Choice) => void;
  issues: Issue[];
  idPrefix: string;
}) {
  const message = config.messages.find((m) => m['id'] === choice.message);
  const slot = config.slots.find((s) => s['id'] === choice.slot);
  return (
    <div class="grid-2">
      <Field label="Show the page as" path="force.kind" issues={issues}>
        {(id) => (
          <select id={id} value={choice.kind} onChange={(e) => set({ ...choice, kind: e.currentTarget.value as Kind })} data-testid={`${idPrefix}-kind`}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {choice.kind === 'segment' ? (
        <Field label="Segment" path="force.segment" issues={issues} hint="Its slot variants and messages, as a new visitor in it would see them.">
          {(id) => (
            <select id={id} value={choice.segment} onChange={(e) => set({ ...choice, segment: e.currentTarget.value })}>
              {config.segments.map((s) => (
                <option key={s['id']} value={s['id']}>
                  {s['name'] ?? s['id']}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : choice.kind === 'profile' ? (
        <Field label="Visitor id" path="force.visitorId" issues={issues} hint="From Profiles. Their stored segments decide; the profile is only read.">
          {(id) => (
            <input id={id} value={choice.visitorId} maxLength={22} spellcheck={false} onInput={(e) => set({ ...choice, visitorId: e.currentTarget.value })} />
          )}
        </Field>
      ) : choice.kind === 'message' ? (
        <>
          <Field label="Message" path="force.message" issues={issues} hint="Shown on load, on any page.">
            {(id) => (
              <select
                id={id}
                value={choice.message}
                onChange={(e) => {
                  const m = config.messages.find((x) => x['id'] === e.currentTarget.value);
                  set({ ...choice, message: e.currentTarget.value, variant: String(m?.['variants']?.[0]?.['id'] ?? 'default') });
                }}
              >
                {config.messages.map((m) => (
                  <option key={m['id']} value={m['id']}>
                    {m['name'] ?? m['id']}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Variant" path="force.variant" issues={issues}>
            {(id) => (
              <select id={id} value={choice.variant} onChange={(e) => set({ ...choice, variant: e.currentTarget.value })}>
                {((message?.['variants'] as Json[] | undefined) ?? [{ id: 'default' }]).map((v) => (
                  <option key={v['id']} value={v['id']}>
                    {v['id']}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </>
      ) : (
        <>
          <Field label="Slot" path="force.slot" issues={issues} hint="The other slots keep their defaults.">
            {(id) => (
              <select
                id={id}
                value={choice.slot}
                onChange={(e) => {
                  const s = config.slots.find((x) => x['id'] === e.currentTarget.value);
                  set({ ...choice, slot: e.currentTarget.value, slotVariant: String(s?.['variants']?.[0]?.['segment'] ?? '') });
                }}
              >
                {config.slots.map((s) => (
                  <option key={s['id']} value={s['id']}>
                    {s['name'] ?? s['id']}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Variant (for segment)" path="force.variant" issues={issues}>
            {(id) => (
              <select id={id} value={choice.slotVariant} onChange={(e) => set({ ...choice, slotVariant: e.currentTarget.value })}>
                {((slot?.['variants'] as Json[] | undefined) ?? []).map((v) => (
                  <option key={v['segment']} value={v['segment']}>
                    {v['segment']}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </>
      )}
      <Field label="Content" path="draft" issues={issues} hint="The draft is what is saved but not published yet; without one, the live content shows.">
        {(id) => (
          <select id={id} value={choice.draft ? 'draft' : 'live'} onChange={(e) => set({ ...choice, draft: e.currentTarget.value === 'draft' })}>
            <option value="live">Live (published)</option>
            <option value="draft">Draft (unpublished)</option>
          </select>
        )}
      </Field>
    </div>
  );
}

const issuesOf = (err: unknown): Issue[] => (err instanceof ApiError ? err.issues : []);

/** "Preview as": a one-hour token, and the page in a frame at the chosen width. */
function PreviewAs({ config, visitorId }: { config: SiteConfig; visitorId: string | undefined }) {
  const [choice, setChoice] = useState(() => initialChoice(config, visitorId));
  const [device, setDevice] = useState<Device>('desktop');
  const [pathInput, setPathInput] = useState('/');
  const [pathError, setPathError] = useState('');
  const [shown, setShown] = useState<{ path: string; token: string; describe: string } | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const [avail, setAvail] = useState(600);
  const dev = DEVICES[device];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setAvail(el.clientWidth));
    ro.observe(el);
    setAvail(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const open = async () => {
    // Only a path on this origin: `/\evil.com` or `/%2f%2fevil.com` would frame another site.
    const path = safeReturnTo(pathInput.trim() || '/');
    if (path === null) return setPathError('A path on your site, starting with /, like /category/running');
    setPathError('');
    setBusy(true);
    setIssues([]);
    setError(null);
    try {
      const r = await qaApi.preview(config.id, { force: forceOf(choice), draft: choice.draft });
      setShown({ path, token: r.token, describe: r.describe });
    } catch (err) {
      setIssues(issuesOf(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const scale = Math.min(1, avail / dev.width);
  const src = shown ? `${shown.path}${shown.path.includes('?') ? '&' : '?'}wm_qa=${encodeURIComponent(shown.token)}` : '';
  return (
    <section class="card" aria-labelledby="preview-as">
      <h2 id="preview-as">Preview as</h2>
      <p class="hint block">The site’s real page, with what you pick forced. Nothing is recorded, and nobody else sees it.</p>
      <ForcePicker config={config} choice={choice} set={setChoice} issues={issues} idPrefix="preview" />
      <div class="preview-bar">
        <div class="seg" role="group" aria-label="Preview width">
          {(Object.keys(DEVICES) as Device[]).map((d) => (
            <button key={d} type="button" class={`btn small${device === d ? ' on' : ''}`} aria-pressed={device === d} onClick={() => setDevice(d)}>
              {DEVICES[d].label} <span class="muted">{DEVICES[d].width}</span>
            </button>
          ))}
        </div>
        <div class={`path-form${pathError ? ' invalid' : ''}`}>
          <label for="qa-preview-path" class="sr-only">
            Page to preview
          </label>
          <input
            id="qa-preview-path"
            value={pathInput}
            aria-invalid={!!pathError}
            onInput={(e) => setPathInput(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              void open();
            }}
          />
          <button type="button" class="btn small primary" disabled={busy} onClick={() => void open()}>
            Show preview
          </button>
        </div>
      </div>
      {pathError ? <p class="field-errors">{pathError}</p> : null}
      <FieldErrors issues={issues.filter((i) => i.path === '(root)')} path="(root)" />
      {error && !issues.length ? <ErrorBanner error={error} /> : null}
      <div class="device-box" ref={box}>
        {shown ? (
          <div class={`device ${device}`} style={{ width: `${dev.width * scale}px`, height: `${dev.height * scale}px` }}>
            <iframe
              key={`${src}|${device}`}
              class="page-frame"
              src={src}
              title={`Preview of ${shown.path} as ${shown.describe}, ${dev.width} px`}
              sandbox="allow-scripts"
              width={dev.width}
              height={dev.height}
              style={{ transform: `scale(${scale})` }}
              data-device={device}
              data-testid="qa-preview-frame"
            />
          </div>
        ) : null}
      </div>
      {shown ? (
        <p class="hint">
          {shown.path} as {shown.describe}, {dev.width} px wide (shown at {Math.round(scale * 100)}%). The preview token lasts an hour.
        </p>
      ) : null}
    </section>
  );
}

const when = (ms: number) => new Date(ms).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
const status = (l: QaLink, now: number) => (l.revokedAt !== null ? 'Revoked' : l.expiresAt <= now ? 'Expired' : `Until ${when(l.expiresAt)}`);

/** Shareable QA links: made, listed with their URL, revoked. */
function QaLinks({ config }: { config: SiteConfig }) {
  const [choice, setChoice] = useState(() => initialChoice(config, undefined));
  const [label, setLabel] = useState('');
  const [path, setPath] = useState('/');
  const [days, setDays] = useState(7);
  const [links, setLinks] = useState<QaLink[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [createError, setCreateError] = useState<unknown>(null);
  const [created, setCreated] = useState<QaLink | null>(null);
  const [createdPath, setCreatedPath] = useState('/');
  const [busy, setBusy] = useState(false);
  const now = Date.now();

  const load = async () => {
    setLoadError(null);
    try {
      setLinks((await qaApi.links(config.id)).links);
    } catch (e) {
      setLoadError(e);
    }
  };
  useEffect(() => void load(), [config.id]);

  const urlOf = (l: QaLink, p = '/') => `${location.origin}${p}${p.includes('?') ? '&' : '?'}wm_qa=${l.token}`;
  const create = async () => {
    const p = safeReturnTo(path.trim() || '/');
    if (p === null) return setIssues([{ path: 'path', message: 'A path on your site, starting with /' }]);
    setBusy(true);
    setIssues([]);
    setCreateError(null);
    try {
      const r = await qaApi.create(config.id, {
        force: forceOf(choice),
        draft: choice.draft,
        expiresInDays: days,
        ...(label.trim() ? { label: label.trim() } : {}),
      });
      setCreated(r.link);
      setCreatedPath(p);
      setLabel('');
      await load();
    } catch (err) {
      setIssues(issuesOf(err));
      setCreateError(err);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (l: QaLink) => {
    setLoadError(null);
    try {
      await qaApi.revoke(config.id, l.id);
      if (created?.id === l.id) setCreated(null);
      await load();
    } catch (e) {
      setLoadError(e);
    }
  };

  return (
    <section class="card" aria-labelledby="qa-links">
      <h2 id="qa-links">Shareable QA links</h2>
      <p class="hint block">
        Whoever opens a QA link, in any browser and with no account, sees the site with what you pick forced, and a “Waymark preview” badge with an exit. Their
        visit records nothing. Links expire (7 days unless you choose) and can be revoked at any time: the next page is a normal visitor’s.
      </p>
      {created ? (
        <div data-testid="created-qa-link">
          <p class="banner ok" role="status">
            QA link “{created.label}” created.
          </p>
          <CopyBox text={urlOf(created, createdPath)} label="QA link" button="Copy link" />
        </div>
      ) : null}
      <div class="sub-form" role="group" aria-label="Create a QA link">
        <h3 class="sub-head">New QA link</h3>
        <ForcePicker config={config} choice={choice} set={setChoice} issues={issues} idPrefix="qa" />
        <div class="grid-2">
          <Field label="Label" path="label" issues={issues} hint="Optional: who it is for, or what to check.">
            {(id) => <input id={id} value={label} maxLength={100} onInput={(e) => setLabel(e.currentTarget.value)} />}
          </Field>
          <Field label="Opens on" path="path" issues={issues}>
            {(id) => <input id={id} value={path} onInput={(e) => setPath(e.currentTarget.value)} />}
          </Field>
          <Field label="Expires after" path="expiresInDays" issues={issues}>
            {(id) => (
              <select id={id} value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
                {DAYS.map((d) => (
                  <option key={d} value={String(d)}>
                    {d} {d === 1 ? 'day' : 'days'}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <FieldErrors issues={issues.filter((i) => i.path === '(root)')} path="(root)" />
        {createError && !issues.length ? <ErrorBanner error={createError} /> : null}
        <button class="btn small primary" type="button" disabled={busy} onClick={() => void create()}>
          Create QA link
        </button>
      </div>

      <h3 class="sub-head">Links</h3>
      {loadError ? <ErrorBanner error={loadError} onReload={() => void load()} /> : null}
      {links === null ? (
        loadError ? null : (
          <p class="muted">Loading QA links…</p>
        )
      ) : links.length === 0 ? (
        <p class="muted">No QA links yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="table" aria-label="QA links">
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Forces</th>
                <th scope="col">Made by</th>
                <th scope="col">Status</th>
                <th scope="col">Link</th>
              </tr>
            </thead>
            <tbody>
              {links.map((l) => {
                const live = l.revokedAt === null && l.expiresAt > now;
                return (
                  <tr key={l.id} data-qa-link={l.id}>
                    <td>{l.label}</td>
                    <td>{describe(l.force, l.draft)}</td>
                    <td>{l.createdBy}</td>
                    <td>{status(l, now)}</td>
                    <td>
                      {live ? (
                        <>
                          <a href={urlOf(l)} target="_blank" rel="noopener noreferrer">
                            Open
                          </a>{' '}
                          <button type="button" class="btn ghost small" onClick={() => void revoke(l)} aria-label={`Revoke ${l.label}`}>
                            Revoke
                          </button>
                        </>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function QaPage({ site, id }: ListProps & { id?: string | undefined }) {
  const config = site.config;
  return (
    <>
      <PageHeader
        title="Preview and QA"
        sub="See any page as a segment, a visitor, a message or a slot variant would; share it through a link that records nothing."
      />
      <PreviewAs key={`${config.id}|${id ?? ''}`} config={config} visitorId={id} />
      <QaLinks key={config.id} config={config} />
    </>
  );
}
