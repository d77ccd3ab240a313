/**
 * Settings: the site's name, allowed origins, content hosts, consent policy, analytics shards, message fatigue, proxy mode, and the
 * install snippet. Saved as the whole config (PUT /sites/:site) on top of the version it was loaded at.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, type Issue, type Json } from './api';
import type { ListProps } from './site-state';
import { ErrorBanner, Field, FieldErrors, num, PageHeader, toNum, CopyBox } from './ui';
import { ApiTokens } from './settings/tokens';
import { SegmentKey } from './settings/segment-key';
import { allows, cannotSave, useMe } from './team/permission';
import { TEAM_HREF } from './routing';

/** The same rule as protocol/config/site.ts originSchema (the API checks again). */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
const UPSTREAM = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
/** The same rule as edge/src/proxy/hostnames.ts (the API checks again, and says which site holds one). */
const HOSTNAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const MAX_HOSTNAMES = 20;

export const STUB = '<script>window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}</script>';
/** The two lines a site pastes into <head> (README "Add it to a site"). */
export function installSnippet(edge: string, site: string, optIn: boolean, cmp: ConsentPlatform | '' = ''): string {
  return `${STUB}\n<script async src="${edge}/_wm/wm.js" data-site="${site}"${optIn ? ' data-consent="opt-in"' : ''}${cmp ? ` data-cmp="${cmp}"` : ''}></script>`;
}

/** The consent platforms wm-consent.js reads (protocol/config/site.ts consentPlatform; docs/consent-platforms.md). */
const CONSENT_PLATFORMS = [
  ['gcm', 'Google Consent Mode v2'],
  ['tcf', 'IAB TCF 2.2 (any TCF CMP)'],
  ['onetrust', 'OneTrust'],
  ['cookiebot', 'Cookiebot'],
  ['auto', 'Detect (TCF, OneTrust, Cookiebot, then Consent Mode)'],
] as const;
type ConsentPlatform = (typeof CONSENT_PLATFORMS)[number][0];
const platformOf = (v: unknown): ConsentPlatform | '' => CONSENT_PLATFORMS.find(([id]) => id === v)?.[0] ?? '';

type Form = {
  name: string;
  origins: string[];
  consentPolicy: 'opt-in' | 'opt-out';
  /** '' = none: the site calls wm('consent', …) itself. */
  consentPlatform: ConsentPlatform | '';
  perDay: string;
  minMinutesBetween: string;
  proxy: boolean;
  upstream: string;
  hostnames: string[];
  /** content.allowedHosts: hosts images and links in content may use besides the site's own. */
  allowedHosts: string[];
  signedIdentify: boolean;
  /** docs/drafts-and-versions.md: only publishers publish; editors submit the draft for approval. */
  requireApproval: boolean;
  /** analyticsShards: how many analytics objects share the site's reports ('' = 1). */
  analyticsShards: string;
};

function formOf(c: Json): Form {
  return {
    name: c['name'] ?? '',
    origins: [...((c['origins'] as string[] | undefined) ?? [])],
    consentPolicy: c['consentPolicy'] === 'opt-in' ? 'opt-in' : 'opt-out',
    consentPlatform: platformOf(c['consentPlatform']),
    perDay: num(c['messageFatigue']?.['perDay']),
    minMinutesBetween: num(c['messageFatigue']?.['minMinutesBetween']),
    proxy: !!c['proxy'],
    upstream: c['proxy']?.['upstream'] ?? '',
    hostnames: [...((c['proxy']?.['hostnames'] as string[] | undefined) ?? [])],
    allowedHosts: [...((c['content']?.['allowedHosts'] as string[] | undefined) ?? [])],
    signedIdentify: c['identity']?.['requireSignedUserId'] === true,
    requireApproval: c['requireApproval'] === true,
    analyticsShards: num(c['analyticsShards']),
  };
}

/** Client-side checks with the API's paths, so both show next to the same fields. */
function check(f: Form): Issue[] {
  const out: Issue[] = [];
  if (!f.name.trim()) out.push({ path: 'name', message: 'required' });
  const seen = new Set<string>();
  f.origins.forEach((o, i) => {
    const v = o.trim().toLowerCase();
    if (!v) out.push({ path: `origins.${i}`, message: 'empty: enter an origin or remove this row' });
    else if (!ORIGIN.test(v)) out.push({ path: `origins.${i}`, message: 'must be an origin like https://shop.example.com (no path, no trailing slash)' });
    else if (seen.has(v)) out.push({ path: `origins.${i}`, message: 'listed twice' });
    seen.add(v);
  });
  if (f.proxy && f.upstream !== 'assets' && !UPSTREAM.test(f.upstream.trim()))
    out.push({ path: 'proxy.upstream', message: 'must be an origin like https://origin.shop.example' });
  const hosts = new Set<string>();
  if (f.proxy) {
    if (f.hostnames.length > MAX_HOSTNAMES) out.push({ path: 'proxy.hostnames', message: `at most ${MAX_HOSTNAMES} hostnames` });
    f.hostnames.forEach((h, i) => {
      const v = h.trim().toLowerCase();
      if (!v) out.push({ path: `proxy.hostnames.${i}`, message: 'empty: enter a hostname or remove this row' });
      else if (v.includes('://') || v.includes('/') || v.includes(':'))
        out.push({ path: `proxy.hostnames.${i}`, message: 'a hostname only, like shop.example.com: no https://, port or path' });
      else if (!HOSTNAME.test(v)) out.push({ path: `proxy.hostnames.${i}`, message: 'must be a hostname like shop.example.com' });
      else if (hosts.has(v)) out.push({ path: `proxy.hostnames.${i}`, message: 'listed twice' });
      hosts.add(v);
    });
  }
  const allowed = new Set<string>();
  f.allowedHosts.forEach((h, i) => {
    const v = h.trim().toLowerCase();
    const path = `content.allowedHosts.${i}`;
    if (!v) out.push({ path, message: 'empty: enter a hostname or remove this row' });
    else if (v.includes('://') || v.includes('/') || v.includes(':'))
      out.push({ path, message: 'a hostname only, like cdn.shop.example: no https://, port or path' });
    else if (!HOSTNAME.test(v)) out.push({ path, message: 'must be a hostname like cdn.shop.example' });
    else if (allowed.has(v)) out.push({ path, message: 'listed twice' });
    allowed.add(v);
  });
  return out;
}

/** The site's identify key, fetched when asked for (it is a secret for the site's server). */
function IdentifyKey({ siteId }: { siteId: string }) {
  const [key, setKey] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const show = async () => {
    setError(null);
    try {
      setKey((await api.identifyKey(siteId)).key);
    } catch (err) {
      setError(err);
    }
  };
  if (key === null) {
    return (
      <>
        <ErrorBanner error={error} />
        <button type="button" class="btn small" onClick={show}>
          Show the identify key
        </button>
      </>
    );
  }
  const node = `// On your server, after the user has signed in (Node):\nconst crypto = require('node:crypto');\nconst key = process.env.WAYMARK_IDENTIFY_KEY; // ${key.slice(0, 6)}…\nconst sig = crypto.createHmac('sha256', key).update('${siteId}' + ':' + userId).digest('base64url');\n// In the page: wm('identify', userId + '.' + sig, traits)`;
  return (
    <>
      <p class="hint block">Keep it on your server (an environment variable), never in page code. It is derived from WM_SECRET and changes only with it.</p>
      <CopyBox label="identify key" text={key} />
      <CopyBox label="server example" text={node} />
    </>
  );
}

export function Settings({ site, onSaved }: ListProps) {
  // Settings are a publish (protocol/api-tokens.ts ROUTE_RULES): below it, Save is off and says why.
  const me = useMe();
  const locked = cannotSave(me, 'publish');
  const siteId = site.config.id;
  const [base, setBase] = useState(site.version);
  const [form, setForm] = useState<Form>(() => formOf(site.config));
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const issues: Issue[] = error instanceof ApiError ? error.issues : [];
  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setNotice('');
  };
  const edge = location.origin;

  const save = async (e: Event) => {
    e.preventDefault();
    if (locked) return;
    setNotice('');
    const local = check(form);
    if (local.length) {
      setError(new ApiError(400, 'Some fields need attention.', local));
      return;
    }
    // Live, not the effective draft: saving settings must not publish the draft's items.
    const body: Json = {
      ...(site.live ?? site.config),
      name: form.name.trim(),
      origins: form.origins.map((o) => o.trim().toLowerCase()),
      consentPolicy: form.consentPolicy,
      messageFatigue: { perDay: toNum(form.perDay), minMinutesBetween: toNum(form.minMinutesBetween) },
      version: base,
    };
    body['identity'] = { requireSignedUserId: form.signedIdentify };
    if (form.requireApproval) body['requireApproval'] = true;
    else delete body['requireApproval'];
    if (form.consentPlatform) body['consentPlatform'] = form.consentPlatform;
    else delete body['consentPlatform'];
    const shards = toNum(form.analyticsShards);
    if (shards === undefined) delete body['analyticsShards'];
    else body['analyticsShards'] = shards;
    const hostnames = form.hostnames.map((h) => h.trim().toLowerCase());
    if (form.proxy) body['proxy'] = { upstream: form.upstream.trim(), ...(hostnames.length ? { hostnames } : {}) };
    else delete body['proxy'];
    const allowedHosts = form.allowedHosts.map((h) => h.trim().toLowerCase());
    if (allowedHosts.length) body['content'] = { allowedHosts };
    else delete body['content'];
    setBusy(true);
    setError(null);
    try {
      const r = await api.putSite(siteId, body);
      onSaved(r.site);
      setBase(r.version);
      setForm(formOf(r.site));
      setNotice(`Saved (site version ${r.version}). The edge uses it within a few seconds.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    setError(null);
    try {
      const r = await api.site(siteId);
      onSaved(r.site);
      setBase(r.version);
      setForm(formOf(r.site));
      setNotice('Reloaded the latest version.');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form onSubmit={save} noValidate class="editor">
      <PageHeader title="Settings" sub={`Site ${siteId} · editing site version ${base}`}>
        <button class="btn primary" type="submit" disabled={busy || locked !== null} title={locked ?? undefined}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
      </PageHeader>
      {locked ? (
        <p class="banner info" role="note" data-testid="read-only">
          {locked}
        </p>
      ) : null}
      <ErrorBanner error={error} onReload={reload} />
      {notice ? (
        <p class="banner ok" role="status">
          {notice}
        </p>
      ) : null}

      <section class="card">
        <h2>Site</h2>
        <div class="grid-2">
          <Field label="Site name" path="name" issues={issues}>
            {(id, invalid) => <input id={id} value={form.name} aria-invalid={invalid} onInput={(e) => set({ name: e.currentTarget.value })} />}
          </Field>
          <Field label="Site key (site id)" path="id" issues={issues} hint="Goes into data-site on the script tag. It cannot change.">
            {(id) => <input id={id} value={siteId} readOnly />}
          </Field>
        </div>
      </section>

      <section class="card">
        <h2>Allowed origins</h2>
        <p class="hint block">
          Pages on these origins may send events for this site; any other origin is refused. Write them exactly as the browser does:{' '}
          <code>https://shop.example.com</code>, with a port if it is not the default, no path and no trailing slash.
        </p>
        {!form.origins.length ? <p class="muted">No origins yet: no browser can send events until you add one.</p> : null}
        <ul class="origin-list">
          {form.origins.map((o, i) => (
            <li key={i}>
              <Field label={`Origin ${i + 1}`} path={`origins.${i}`} issues={issues} class="grow">
                {(id, invalid) => (
                  <input
                    id={id}
                    value={o}
                    placeholder="https://shop.example.com"
                    aria-invalid={invalid}
                    onInput={(e) => set({ origins: form.origins.map((x, j) => (j === i ? e.currentTarget.value : x)) })}
                  />
                )}
              </Field>
              <button
                type="button"
                class="btn ghost small"
                aria-label={`Remove origin ${i + 1}`}
                onClick={() => set({ origins: form.origins.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <button type="button" class="btn small" onClick={() => set({ origins: [...form.origins, ''] })}>
          Add an origin
        </button>
        <FieldErrors issues={issues.filter((i) => i.path === 'origins')} path="origins" />
      </section>

      <section class="card" aria-labelledby="content-hosts">
        <h2 id="content-hosts">Content hosts</h2>
        <p class="hint block">
          Images and links in slot variants and messages may point only to this site: a path like <code>/sale</code>, or a URL on one of its origins or proxy
          hostnames. To use another host (an image CDN, a partner’s page), list it here, like <code>cdn.shop.example</code>. Content pointing anywhere else is
          refused when saved and never shown, so no content can carry a hidden third-party pixel.
        </p>
        {!form.allowedHosts.length ? <p class="muted">No other hosts: content uses this site’s own URLs only.</p> : null}
        <ul class="origin-list">
          {form.allowedHosts.map((h, i) => (
            <li key={i}>
              <Field label={`Content host ${i + 1}`} path={`content.allowedHosts.${i}`} issues={issues} class="grow">
                {(id, invalid) => (
                  <input
                    id={id}
                    value={h}
                    placeholder="cdn.shop.example"
                    aria-invalid={invalid}
                    onInput={(e) => set({ allowedHosts: form.allowedHosts.map((x, j) => (j === i ? e.currentTarget.value : x)) })}
                  />
                )}
              </Field>
              <button
                type="button"
                class="btn ghost small"
                aria-label={`Remove content host ${i + 1}`}
                onClick={() => set({ allowedHosts: form.allowedHosts.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <button type="button" class="btn small" onClick={() => set({ allowedHosts: [...form.allowedHosts, ''] })}>
          Add a content host
        </button>
        <FieldErrors issues={issues.filter((i) => i.path === 'content.allowedHosts' || i.path === 'content')} path="content.allowedHosts" />
      </section>

      <section class="card">
        <h2>Consent policy</h2>
        <fieldset class="radios">
          <legend class="sr-only">Consent policy</legend>
          <label class={`radio-card${form.consentPolicy === 'opt-out' ? ' selected' : ''}`}>
            <input type="radio" name="consent" value="opt-out" checked={form.consentPolicy === 'opt-out'} onChange={() => set({ consentPolicy: 'opt-out' })} />
            <span>
              <strong>Opt-out</strong>
              <span class="muted">
                Events are stored and pages personalized unless the visitor declines or their browser sends Global Privacy Control. Use it where the law allows
                first-party analytics without asking first.
              </span>
            </span>
          </label>
          <label class={`radio-card${form.consentPolicy === 'opt-in' ? ' selected' : ''}`}>
            <input type="radio" name="consent" value="opt-in" checked={form.consentPolicy === 'opt-in'} onChange={() => set({ consentPolicy: 'opt-in' })} />
            <span>
              <strong>Opt-in</strong>
              <span class="muted">
                Nothing is stored, sent or personalized until the visitor agrees (your consent banner calls{' '}
                <code>
                  wm('consent', {'{'}analytics: true{'}'})
                </code>
                ). Events from before the choice are sent if they agree and dropped if they decline.
              </span>
            </span>
          </label>
        </fieldset>
        <FieldErrors issues={issues} path="consentPolicy" />
        <Field
          label="Consent platform"
          path="consentPlatform"
          issues={issues}
          hint="The banner your site already runs: its visitors' choices reach Waymark with no glue code (the tag's data-cmp; proxy mode adds it to the tag it injects)."
        >
          {(id) => (
            <select id={id} value={form.consentPlatform} onChange={(e) => set({ consentPlatform: platformOf((e.target as HTMLSelectElement).value) })}>
              <option value="">None: the site calls wm('consent', …) itself</option>
              {CONSENT_PLATFORMS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </section>

      <section class="card">
        <h2>Analytics shards</h2>
        <p class="hint block">
          Reports for a busy site are spread by visitor over this many stores (about 6 million events a month each). Raise it as traffic grows: new visitors
          spread over the new stores and everyone already stored stays where they are. A lower number has no effect.
        </p>
        <Field label="Analytics shards" path="analyticsShards" issues={issues} hint="1–64 (empty: 1)">
          {(id, invalid) => (
            <input
              id={id}
              type="number"
              inputMode="numeric"
              min={1}
              max={64}
              value={form.analyticsShards}
              aria-invalid={invalid}
              onInput={(e) => set({ analyticsShards: e.currentTarget.value })}
            />
          )}
        </Field>
      </section>

      <section class="card">
        <h2>Message fatigue</h2>
        <p class="hint block">Limits across all messages, so no visitor is flooded, whatever each message’s own caps say.</p>
        <div class="grid-2">
          <Field label="Messages per visitor per 24 h" path="messageFatigue.perDay" issues={issues} hint="1–1000">
            {(id, invalid) => (
              <input
                id={id}
                type="number"
                inputMode="numeric"
                value={form.perDay}
                aria-invalid={invalid}
                onInput={(e) => set({ perDay: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field label="Minutes between two messages" path="messageFatigue.minMinutesBetween" issues={issues} hint="0–10080 (a week)">
            {(id, invalid) => (
              <input
                id={id}
                type="number"
                inputMode="numeric"
                value={form.minMinutesBetween}
                aria-invalid={invalid}
                onInput={(e) => set({ minMinutesBetween: e.currentTarget.value })}
              />
            )}
          </Field>
        </div>
      </section>

      <section class="card">
        <h2>Proxy mode</h2>
        <label class="check">
          <input type="checkbox" checked={form.proxy} onChange={(e) => set({ proxy: e.currentTarget.checked, upstream: form.upstream || 'https://' })} />
          Route the whole site through the worker (personalized HTML with no flicker)
        </label>
        {form.proxy ? (
          <>
            <Field
              label="Upstream"
              path="proxy.upstream"
              issues={issues}
              hint="Where the worker fetches your pages: an origin like https://origin.shop.example, or “assets” for the files deployed with the worker."
            >
              {(id, invalid) => <input id={id} value={form.upstream} aria-invalid={invalid} onInput={(e) => set({ upstream: e.currentTarget.value })} />}
            </Field>
            <h3 class="sub-head">Hostnames</h3>
            <p class="hint block">
              The hosts routed to the worker that serve this site, like <code>shop.example.com</code> (no https://, port or path). A hostname belongs to one
              site. A request for a host no site lists goes to the deployment’s <code>WM_PROXY_SITE</code>, if set.
            </p>
            {!form.hostnames.length ? <p class="muted">No hostnames: this site is proxied only where WM_PROXY_SITE names it.</p> : null}
            <ul class="origin-list">
              {form.hostnames.map((h, i) => (
                <li key={i}>
                  <Field label={`Hostname ${i + 1}`} path={`proxy.hostnames.${i}`} issues={issues} class="grow">
                    {(id, invalid) => (
                      <input
                        id={id}
                        value={h}
                        placeholder="shop.example.com"
                        aria-invalid={invalid}
                        onInput={(e) => set({ hostnames: form.hostnames.map((x, j) => (j === i ? e.currentTarget.value : x)) })}
                      />
                    )}
                  </Field>
                  <button
                    type="button"
                    class="btn ghost small"
                    aria-label={`Remove hostname ${i + 1}`}
                    onClick={() => set({ hostnames: form.hostnames.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            <button
              type="button"
              class="btn small"
              disabled={form.hostnames.length >= MAX_HOSTNAMES}
              onClick={() => set({ hostnames: [...form.hostnames, ''] })}
            >
              Add a hostname
            </button>
            <FieldErrors issues={issues.filter((i) => i.path === 'proxy.hostnames')} path="proxy.hostnames" />
          </>
        ) : (
          <p class="hint">Off: only /_wm/* is routed to the worker and the snippet personalizes in the browser.</p>
        )}
      </section>

      <section class="card">
        <h2>Publishing</h2>
        <label class="check">
          <input type="checkbox" checked={form.requireApproval} onChange={(e) => set({ requireApproval: e.currentTarget.checked })} />
          Require approval to publish
        </label>
        <p class="hint block">
          Edits always go to the site’s draft. With this on, only a publisher (or admin) may publish or schedule it; an editor submits it for review and it goes
          live when a publisher approves it. See docs/drafts-and-versions.md.
        </p>
      </section>

      <section class="card">
        <h2>Identity verification</h2>
        <label class="check">
          <input type="checkbox" checked={form.signedIdentify} onChange={(e) => set({ signedIdentify: e.currentTarget.checked })} />
          Require a signed user id for <code>identify</code>
        </label>
        <p class="hint block">
          Without it, <code>identify</code> is a claim: any browser that calls <code>wm('identify', 'alice')</code> joins alice’s profile. With it, your server
          signs the user id and the page calls <code>wm('identify', userId + '.' + sig, traits)</code>; the edge checks the signature, stores the plain user id
          and refuses an identify without a valid one. Signed ids are accepted (and checked) before you switch this on, so deploy the signing first.
        </p>
        <IdentifyKey siteId={siteId} />
      </section>

      <section class="card">
        <h2>Segment</h2>
        <p class="hint block">
          Back ends that use Segment’s HTTP Tracking API or its libraries send to <code>/_wm/v1/*</code> on your site with this write key; pages keep calling{' '}
          <code>analytics.track(…)</code> with <code>/_wm/analytics.js</code>. See docs/migrating-from-segment.md.
        </p>
        {allows(me.permission, 'publish') ? (
          <SegmentKey siteId={siteId} origin={edge} />
        ) : (
          <p class="muted">Shown to publishers and admins: the write key lets anyone write events.</p>
        )}
      </section>

      <section class="card">
        <h2>Install</h2>
        <p class="hint block">
          Paste into the <code>&lt;head&gt;</code> of every page. The first line is the stub: calls made before the script loads are queued. Route{' '}
          <code>/_wm/*</code> on your site’s hostname to this worker to keep everything first-party, then use <code>/_wm/wm.js</code> as the src.
        </p>
        <CopyBox label="install snippet" text={installSnippet(edge, siteId, form.consentPolicy === 'opt-in', form.consentPlatform)} />
        <h3 class="sub-head">Secrets</h3>
        <p class="hint block">
          Secrets never live in the site config or this dashboard: they are Cloudflare Worker secrets. <code>WM_SECRET</code> signs visitor ids (32+ random
          characters); <code>WM_ADMIN_PASSWORD_HASH</code> is the PBKDF2 hash of the dashboard password. Set them from your terminal:
        </p>
        <CopyBox
          label="secret commands"
          text={
            "npx wrangler secret put WM_SECRET --env production\nprintf %s 'your long passphrase' | npm run -s admin:hash | npx wrangler secret put WM_ADMIN_PASSWORD_HASH --env production"
          }
        />
      </section>
      {me.permission === 'admin' ? (
        <>
          <section class="card" aria-labelledby="team-link">
            <h2 id="team-link">Team</h2>
            <p class="hint block">
              Who can sign in, and as which role (viewer, editor, publisher, admin): <a href={TEAM_HREF}>manage the team</a>.
            </p>
          </section>
          <ApiTokens siteId={siteId} />
        </>
      ) : null}
    </form>
  );
}
