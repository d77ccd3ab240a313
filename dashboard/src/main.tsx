/**
 * The marketer dashboard, served as static files at /_wm/dashboard/ and talking only to
 * /_wm/admin/api. Routes live in the hash (routing.ts).
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf, whenUnauthorized, type LoginOptions, type SessionResponse, type SiteConfig, type SiteSummary } from './api';
import { Empty, ErrorBanner, Loading, PageHeader } from './ui';
import { SegmentEditor } from './segments/editor';
import { SegmentList } from './segments/list';
import { SlotEditor } from './slots/editor';
import { SlotList } from './slots/list';
import { MessageEditor } from './messages/editor';
import { MessageList } from './messages/list';
import { JourneyEditor } from './journeys/editor';
import { JourneyList } from './journeys/list';
import { WebhookEditor } from './webhooks/editor';
import { WebhookList } from './webhooks/list';
import { API_REFERENCE_HREF, TABS, TEAM_HREF, useRoute } from './routing';
import { Team } from './team/index';
import { InvitePage } from './team/invite';
import { cannotSave, MeContext, TAB_WRITE_NEEDS, type Me } from './team/permission';
import { ApiReference } from './api-reference/index';
import type { SiteState } from './site-state';
import { Overview } from './overview';
import { ProfileSearch, ProfileView } from './profiles';
import { Settings } from './settings';
import { AuditLog } from './audit';
import { Reports } from './reports/index';
import { VisualEditor } from './visual-editor/index';
import { DraftBar } from './drafts/draft-bar';
import { DraftChanges } from './drafts/draft-marks';
import { VersionList, VersionView } from './versions/versions';
import { QaPage } from './preview/qa-page';
import { Destinations } from './destinations/page';
import { EmailPage } from './email/page';
import { Audiences } from './audiences/index';

/** How often the draft bar asks for the draft (teammates' submits, approvals, publishes). */
const DRAFT_POLL_MS = 15_000;

const meOf = (s: SessionResponse): Me => ({ user: s.user, role: s.role, permission: s.permission });

function Login({ onIn, reason }: { onIn: (me: Me) => void; reason: string }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>('');
  const [busy, setBusy] = useState(false);
  // Cloudflare Access (when the deployment has it): sign in as the Access identity, at once on a
  // fresh visit, by a button after a sign-out or an ended session (so signing out sticks).
  const [options, setOptions] = useState<LoginOptions | null>(null);
  const viaAccess = async () => {
    setBusy(true);
    setError('');
    try {
      const s = await api.accessLogin();
      setCsrf(s.csrfToken);
      onIn(meOf(s));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  useEffect(() => {
    api.loginOptions().then(
      (o) => {
        setOptions(o);
        if (o.access?.email && !reason) void viaAccess();
      },
      () => setOptions(null),
    );
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const s = await api.login(password, name.trim());
      setCsrf(s.csrfToken);
      onIn(meOf(s));
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      const message = err instanceof Error ? err.message : String(err);
      setError(
        status === 401
          ? name.trim()
            ? 'Wrong name or password.'
            : 'Wrong password.'
          : status === 429
            ? `Locked: ${message}.`
            : status === 400
              ? 'Enter the password.'
              : message,
      );
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit} noValidate>
        <p class="brand">
          <span class="logo" aria-hidden="true" />
          Waymark
        </p>
        <h1>Sign in</h1>
        {reason ? <p class="banner info">{reason}</p> : null}
        {options?.access ? (
          options.access.email ? (
            <button class="btn wide" type="button" disabled={busy} onClick={() => void viaAccess()}>
              Continue as {options.access.email} (Cloudflare Access)
            </button>
          ) : (
            <p class="banner info">Cloudflare Access: {options.access.reason}</p>
          )
        ) : null}
        {options?.password === false ? (
          error ? (
            <p class="field-errors" role="alert">
              {error}
            </p>
          ) : null
        ) : (
          <>
            <div class="field">
              <label for="login-name">Name or email</label>
              <input id="login-name" autocomplete="username" value={name} onInput={(e) => setName(e.currentTarget.value)} />
              <p class="hint">Leave empty to sign in as the built-in admin.</p>
            </div>
            <div class={`field${error ? ' invalid' : ''}`}>
              <label for="password">Password</label>
              <input
                id="password"
                type="password"
                autocomplete="current-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                autofocus
              />
              {error ? (
                <p class="field-errors" role="alert">
                  {error}
                </p>
              ) : null}
            </div>
            <button class="btn primary wide" type="submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}

function Sites({ sites }: { sites: SiteSummary[] | null }) {
  return (
    <>
      <PageHeader title="Sites" sub="Pick the site you want to work on." />
      {!sites ? (
        <Loading what="sites" />
      ) : !sites.length ? (
        <Empty title="No sites yet">
          <p>Create a site with the admin API (PUT /_wm/admin/api/sites/:site) and it shows up here.</p>
        </Empty>
      ) : (
        <ul class="site-list">
          {sites.map((s) => (
            <li key={s.id}>
              <a class="card site-card" href={`#/s/${encodeURIComponent(s.id)}/overview`}>
                <strong>{s.name}</strong>
                <span class="muted">
                  {s.id} · version {s.version}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function App() {
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [sites, setSites] = useState<SiteSummary[] | null>(null);
  const [sitesError, setSitesError] = useState<unknown>(null);
  const [site, setSite] = useState<SiteState | null>(null);
  const [siteError, setSiteError] = useState<unknown>(null);
  const route = useRoute();

  useEffect(() => {
    whenUnauthorized(() => {
      setReason('Your session ended. Sign in again.');
      setUser(null);
    });
    api.session().then(
      (s) => {
        setCsrf(s.csrfToken);
        setUser(meOf(s));
      },
      (e) => {
        if (!(e instanceof ApiError && e.status === 401)) setReason(e instanceof Error ? e.message : String(e));
        setUser(null);
      },
    );
  }, []);

  useEffect(() => {
    if (!user) return;
    setSitesError(null);
    api.sites().then((r) => setSites(r.sites), setSitesError);
  }, [user]);

  const loadSite = useCallback(async () => {
    if (!route.site) return;
    setSiteError(null);
    try {
      // The editors work on the effective draft (live + the draft's changes); Settings on live.
      const [live, draft] = await Promise.all([api.site(route.site), api.draft(route.site)]);
      setSite({ config: draft.site, version: live.version, live: live.site, draft });
    } catch (e) {
      setSiteError(e);
    }
  }, [route.site]);

  useEffect(() => {
    if (!user || !route.site) return;
    if (site?.config.id !== route.site) setSite(null);
    void loadSite();
  }, [user, route.site]);

  // Teammates submit, approve, schedule and publish too: the draft bar follows within DRAFT_POLL_MS
  // while the tab is visible. Only the draft is replaced, so an editor's unsaved form stays as it is.
  useEffect(() => {
    if (!user || !route.site) return;
    const siteId = route.site;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      api.draft(siteId).then(
        (draft) => setSite((s) => (s && s.config.id === siteId && JSON.stringify(s.draft) !== JSON.stringify(draft) ? { ...s, draft } : s)),
        () => {}, // the next tick, or the next action, says what is wrong
      );
    }, DRAFT_POLL_MS);
    return () => clearInterval(timer);
  }, [user, route.site]);

  // An invitation link opens its own page, signed in or not; accepting signs the invitee in.
  if (route.page === 'invite' && route.id)
    return (
      <InvitePage
        token={route.id}
        onIn={(s) => {
          setReason('');
          setUser(meOf(s));
          location.hash = '#/';
        }}
      />
    );
  if (user === undefined) return <Loading what="the dashboard" />;
  if (user === null)
    return (
      <Login
        reason={reason}
        onIn={(u) => {
          setReason('');
          setUser(u);
        }}
      />
    );

  const logout = async () => {
    try {
      await api.logout();
    } finally {
      setCsrf('');
      setSite(null);
      setReason('You are signed out.');
      setUser(null);
    }
  };
  // A save answers the effective draft (items) or live (settings, webhooks): shown at once, then
  // the draft and live are read again so the draft bar and Settings follow.
  const saved = (config: SiteConfig) => {
    setSite((s) => (s ? { ...s, config, version: config.version } : { config, version: config.version }));
    void loadSite();
  };
  const current = route.site && site?.config.id === route.site ? site : null;

  let main;
  if (route.page === 'api') main = <ApiReference />;
  else if (route.page === 'team')
    main =
      user.permission === 'admin' ? (
        <Team />
      ) : (
        <>
          <PageHeader title="Team" />
          <p class="banner info">Only admins manage the team. Your role is {user.role}.</p>
        </>
      );
  else if (!route.site) main = sitesError ? <ErrorBanner error={sitesError} /> : <Sites sites={sites} />;
  else if (siteError)
    main = (
      <>
        <PageHeader title="Site" />
        <ErrorBanner error={siteError} onReload={loadSite} />
      </>
    );
  else if (!current) main = <Loading what="the site" />;
  else {
    const props = { site: current, onSaved: saved, reload: loadSite };
    const id = route.id;
    if (route.tab === 'slots') main = id ? <SlotEditor key={id} id={id} {...props} /> : <SlotList {...props} />;
    else if (route.tab === 'messages') main = id ? <MessageEditor key={id} id={id} {...props} /> : <MessageList {...props} />;
    else if (route.tab === 'journeys') main = id ? <JourneyEditor key={id} id={id} {...props} /> : <JourneyList {...props} />;
    else if (route.tab === 'webhooks') main = id ? <WebhookEditor key={id} id={id} {...props} /> : <WebhookList {...props} />;
    else if (route.tab === 'segments') main = id ? <SegmentEditor key={id} id={id} {...props} /> : <SegmentList {...props} />;
    else if (route.tab === 'profiles') main = id ? <ProfileView key={id} id={id} {...props} /> : <ProfileSearch {...props} />;
    else if (route.tab === 'settings') main = <Settings key={current.config.id} {...props} />;
    else if (route.tab === 'audit') main = <AuditLog {...props} />;
    else if (route.tab === 'visual') main = <VisualEditor key={id ?? ''} {...props} {...(id ? { id } : {})} />;
    else if (route.tab === 'versions') main = id ? <VersionView key={id} id={id} {...props} /> : <VersionList {...props} />;
    else if (route.tab === 'reports') main = <Reports site={current.config} report={id} />;
    else if (route.tab === 'qa') main = <QaPage {...props} id={id} />;
    else if (route.tab === 'destinations') main = <Destinations siteId={current.config.id} id={id} />;
    else if (route.tab === 'email') main = <EmailPage {...props} id={id} />;
    else if (route.tab === 'audiences') main = <Audiences {...props} />;
    else main = <Overview {...props} />;
    // What this role cannot save is shown read-only, with the reason (the API refuses it anyway).
    // Settings says so per section itself (settings.tsx): its copy buttons stay usable.
    const need = route.tab && route.tab !== 'settings' ? TAB_WRITE_NEEDS[route.tab] : undefined;
    const readOnly = need ? cannotSave(user, need) : null;
    if (readOnly)
      main = (
        <>
          <p class="banner info" role="note" data-testid="read-only">
            {readOnly}
          </p>
          <fieldset class="read-only" disabled>
            {main}
          </fieldset>
        </>
      );
  }

  return (
    <MeContext.Provider value={user}>
      <div class="shell">
        <nav class="sidenav" aria-label="Main">
          <p class="brand">
            <span class="logo" aria-hidden="true" />
            Waymark
          </p>
          <a class={`nav-link${!route.site && !route.page ? ' active' : ''}`} href="#/" aria-current={!route.site && !route.page ? 'page' : undefined}>
            Sites
          </a>
          <a class={`nav-link${route.page === 'api' ? ' active' : ''}`} href={API_REFERENCE_HREF} aria-current={route.page === 'api' ? 'page' : undefined}>
            API reference
          </a>
          {user.permission === 'admin' ? (
            <a class={`nav-link${route.page === 'team' ? ' active' : ''}`} href={TEAM_HREF} aria-current={route.page === 'team' ? 'page' : undefined}>
              Team
            </a>
          ) : null}
          {route.site ? (
            <>
              <p class="nav-site" title={route.site}>
                {current?.config.name ?? route.site}
              </p>
              {TABS.map((t) => (
                <a
                  key={t.tab}
                  class={`nav-link${route.tab === t.tab ? ' active' : ''}`}
                  href={`#/s/${encodeURIComponent(route.site!)}/${t.tab}`}
                  aria-current={route.tab === t.tab ? 'page' : undefined}
                >
                  {t.label}
                </a>
              ))}
            </>
          ) : null}
          <div class="nav-foot">
            <span class="muted" data-testid="signed-in">
              Signed in as {user.user} <span class="pill">{user.role}</span>
            </span>
            <button type="button" class="btn ghost small" onClick={logout}>
              Log out
            </button>
          </div>
        </nav>
        <main class="content">
          {current ? <DraftBar key={current.config.id} site={current} reload={loadSite} /> : null}
          <DraftChanges.Provider value={current?.draft?.changes ?? []}>{main}</DraftChanges.Provider>
        </main>
      </div>
    </MeContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
