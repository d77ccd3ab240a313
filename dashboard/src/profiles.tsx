/** Profile lookup: find visitors by user id, visitor id or trait; one visitor's unified profile and timeline. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Json, type ProfileExport, type ProfileSummary } from './api';
import { hrefOf } from './routing';
import type { ListProps } from './site-state';
import type { ProfileJourney } from '../../protocol/wire';
import { eventDetails, eventTime, eventTitle, identityOf, journeyStatus, pathOf, recentHistory, sessions, sortJourneys, stepLabel } from './timeline';
import { Empty, ErrorBanner, Loading, PageHeader } from './ui';

const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;
const when = (t: number | null | undefined) => (t ? new Date(t).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '—');
const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : JSON.stringify(v));
const profileHref = (site: string, id: string) => `#/s/${encodeURIComponent(site)}/profiles/${encodeURIComponent(id)}`;
type By = 'any' | 'user' | 'visitor' | 'trait';

export function ProfileSearch({ site }: ListProps) {
  const siteId = site.config.id;
  const names = new Map(site.config.segments.map((s) => [s['id'] as string, s['name'] as string]));
  const [q, setQ] = useState(() => sessionStorage.getItem(`wm-dash-q:${siteId}`) ?? '');
  const [by, setBy] = useState<By>('any');
  const [results, setResults] = useState<ProfileSummary[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState('');

  const search = async (e?: Event) => {
    e?.preventDefault();
    const query = q.trim();
    if (!query) {
      setFieldError('Enter a user id, a visitor id, or a trait value.');
      return;
    }
    setFieldError('');
    sessionStorage.setItem(`wm-dash-q:${siteId}`, query);
    setBusy(true);
    setError(null);
    try {
      setResults((await api.searchProfiles(siteId, query, by)).profiles);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.issues[0]) setFieldError(err.issues[0].message);
      else setError(err);
      setResults(null);
    } finally {
      setBusy(false);
    }
  };
  // Coming back from a profile: show the last search again.
  useEffect(() => {
    if (q.trim()) void search();
  }, [siteId]);

  return (
    <>
      <PageHeader title="Profiles" sub="Look up one visitor: everything they did and told you, across sessions and devices they identified on." />
      <form class="card search" onSubmit={search} role="search" noValidate>
        <div class={`field grow${fieldError ? ' invalid' : ''}`}>
          <label for="profile-q">Find a visitor</label>
          <input
            id="profile-q"
            type="search"
            value={q}
            placeholder="user-42, a visitor id, or a trait value such as gold"
            aria-invalid={!!fieldError}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
          {fieldError ? (
            <ul class="field-errors">
              <li>{fieldError}</li>
            </ul>
          ) : null}
        </div>
        <div class="field">
          <label for="profile-by">Search in</label>
          <select id="profile-by" value={by} onChange={(e) => setBy(e.currentTarget.value as By)}>
            <option value="any">everything</option>
            <option value="user">user ids (exact)</option>
            <option value="visitor">visitor ids (start)</option>
            <option value="trait">trait values</option>
          </select>
        </div>
        <button class="btn primary" type="submit" disabled={busy}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {VISITOR_ID.test(q.trim()) ? (
        <p class="hint block">
          That looks like a full visitor id: <a href={profileHref(siteId, q.trim())}>open its profile directly</a>.
        </p>
      ) : null}
      <ErrorBanner error={error} onReload={() => void search()} />
      {busy && !results ? <Loading what="profiles" /> : null}
      {results && !results.length ? (
        <Empty title="No visitor matches">
          <p>Try a shorter part of a visitor id, the exact user id your site sends with wm('identify', …), or a trait value.</p>
        </Empty>
      ) : null}
      {results?.length ? (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Visitor</th>
              <th scope="col">User id</th>
              <th scope="col">Last seen</th>
              <th scope="col" class="num">
                Events
              </th>
              <th scope="col">Segments</th>
            </tr>
          </thead>
          <tbody>
            {results.map((p) => (
              <tr key={p.visitorId}>
                <td>
                  <a href={profileHref(siteId, p.visitorId)}>
                    <code>{p.visitorId}</code>
                  </a>
                </td>
                <td>{p.userId ?? <span class="muted">anonymous</span>}</td>
                <td class="nowrap">{when(p.lastSeen)}</td>
                <td class="num">{p.events}</td>
                <td class="describe">{p.segments.map((s) => names.get(s) ?? s).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function KeyValues({ data, empty }: { data: Record<string, unknown>; empty: string }) {
  const entries = Object.entries(data);
  if (!entries.length) return <p class="muted">{empty}</p>;
  return (
    <dl class="kv">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{show(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Newest history entries shown per journey; the edge keeps the last 20. */
const HISTORY_SHOWN = 5;

function JourneysCard({ siteId, journeys, config }: { siteId: string; journeys: ProfileJourney[]; config: Json[] }) {
  const now = Date.now();
  return (
    <section class="card span-2" aria-labelledby="profile-journeys">
      <h2 id="profile-journeys">Journeys</h2>
      {!journeys.length ? (
        <p class="muted">Not in any journey.</p>
      ) : (
        <ul class="plain profile-journeys">
          {sortJourneys(journeys).map((j) => {
            const conf = config.find((c) => c['id'] === j.id);
            const status = journeyStatus(j, now, when);
            const { shown, older } = recentHistory(j, HISTORY_SHOWN);
            return (
              <li key={j.id} class="profile-journey" data-journey={j.id} data-status={j.status}>
                <div class="profile-journey-head">
                  {/* A journey deleted since still shows what it did, without a link to nothing. */}
                  {conf ? (
                    <a href={`#/s/${encodeURIComponent(siteId)}/journeys/${encodeURIComponent(j.id)}`}>{j.name}</a>
                  ) : (
                    <span>
                      {j.name} <span class="muted small">(deleted)</span>
                    </span>
                  )}
                  <span class={`pill journey-${status.tone}`}>{status.label}</span>
                </div>
                <dl class="kv compact-kv">
                  <div>
                    <dt>{j.status === 'active' ? 'Current step' : 'Last step'}</dt>
                    <dd>{stepLabel(j.step, conf?.['steps'] as Json[] | undefined)}</dd>
                  </div>
                  <div>
                    <dt>{j.status === 'active' ? 'Since' : 'Ended'}</dt>
                    <dd>{when(j.status === 'active' ? j.since : (j.endedAt ?? j.since))}</dd>
                  </div>
                  <div>
                    <dt>Entered</dt>
                    <dd>
                      {when(j.enteredAt)} <span class="muted small">· {j.runs === 1 ? '1 run' : `${j.runs} runs`}</span>
                    </dd>
                  </div>
                </dl>
                {shown.length ? (
                  <ol class="journey-history" aria-label={`${j.name}: recent history, newest first`}>
                    {shown.map((h, i) => (
                      <li key={`${h.at}-${i}`}>
                        <time dateTime={new Date(h.at).toISOString()}>{when(h.at)}</time>
                        <span>{h.what}</span>
                        {h.step ? <code class="muted small">{h.step}</code> : null}
                      </li>
                    ))}
                    {older ? <li class="muted small">… and {older} earlier</li> : null}
                  </ol>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/**
 * Who the profile belongs to. A browser that identified forwards to its user's golden record, so
 * opening any of that user's browsers shows the one merged profile; `current` marks the opened one.
 */
function IdentityCard({ profile }: { profile: ProfileExport }) {
  const who = identityOf(profile);
  return (
    <section class="card span-2" aria-labelledby="profile-identity">
      <h2 id="profile-identity">Identity</h2>
      {who.kind === 'anonymous' ? (
        <p class="muted">Anonymous: this browser has not identified. When the site calls wm('identify', …), its history moves into that user’s profile.</p>
      ) : (
        <>
          <dl class="kv compact-kv">
            <div>
              <dt>User id</dt>
              <dd>{who.userId}</dd>
            </div>
          </dl>
          {who.devices.length ? (
            <>
              <p class="muted small identity-note">
                {who.devices.length === 1
                  ? 'One browser is linked to this user so far.'
                  : `One merged profile: everything on this page comes from all ${who.devices.length} linked browsers and devices.`}
              </p>
              <table class="table compact linked-devices">
                <thead>
                  <tr>
                    <th scope="col">Browser / device</th>
                    <th scope="col">Linked</th>
                    <th scope="col">
                      <span class="sr-only">Opened here</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {who.devices.map((d) => (
                    <tr key={d.id} data-current={d.current}>
                      <td>
                        <code title="The first 8 characters of its visitor id">{d.id}…</code>
                      </td>
                      <td>{when(d.linkedAt)}</td>
                      <td>{d.current ? <span class="pill">the one you opened</span> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p class="muted small identity-note">Identified on this browser.</p>
          )}
        </>
      )}
    </section>
  );
}

export function ProfileView({ site, id }: ListProps & { id: string }) {
  const siteId = site.config.id;
  const [profile, setProfile] = useState<ProfileExport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => {
    setError(null);
    try {
      setProfile((await api.profile(siteId, id)).profile);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [siteId, id]);
  const back = (
    <a class="btn ghost" href={`#/s/${encodeURIComponent(siteId)}/profiles`}>
      Back to search
    </a>
  );
  if (error) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <>
        <PageHeader title="Visitor profile">{back}</PageHeader>
        {missing ? (
          <Empty title={error.status === 400 ? 'That is not a visitor id' : 'No profile'}>
            <p>{(error as ApiError).message}</p>
          </Empty>
        ) : (
          <ErrorBanner error={error} onReload={load} />
        )}
      </>
    );
  }
  if (!profile) return <Loading what="the profile" />;
  const segName = (s: string) => (site.config.segments.find((x: Json) => x['id'] === s)?.['name'] as string | undefined) ?? s;
  const msgName = (m: string) => (site.config.messages.find((x: Json) => x['id'] === m)?.['name'] as string | undefined) ?? m;
  const groups = sessions(profile.events);
  const linked = profile.linkedVisitors?.length ?? 0;
  return (
    <>
      <PageHeader
        title={profile.userId ?? 'Anonymous visitor'}
        sub={`${linked > 1 ? `Merged profile of ${linked} browsers, opened from visitor` : 'Visitor'} ${profile.visitorId} · first seen ${when(profile.firstSeen)} · last seen ${when(profile.lastSeen)}`}
      >
        <button type="button" class="btn" onClick={load}>
          Refresh
        </button>
        <a
          class="btn"
          href={hrefOf(siteId, 'qa', profile.visitorId)}
          title="See the site’s pages as this visitor’s stored segments would (nothing is recorded)"
        >
          Preview as this visitor
        </a>
        {back}
      </PageHeader>
      <div class="profile-grid">
        <IdentityCard profile={profile} />
        <section class="card">
          <h2>Traits</h2>
          <KeyValues data={profile.traits} empty="No traits: the site has not identified this visitor." />
        </section>
        <section class="card">
          <h2>Preferences they told you</h2>
          <KeyValues data={profile.prefs} empty="No zero-party preferences yet." />
        </section>
        <section class="card">
          <h2>Consent</h2>
          {profile.consent ? (
            <KeyValues
              data={{
                analytics: profile.consent.analytics ? 'yes' : 'no',
                personalization: profile.consent.personalization ? 'yes' : 'no',
                'decided at': when(profile.consent.updatedAt),
              }}
              empty=""
            />
          ) : (
            <p class="muted">No explicit choice: the site’s policy ({site.config['consentPolicy']}) applies.</p>
          )}
        </section>
        <section class="card">
          <h2>Segments now</h2>
          {profile.segments.length ? (
            <ul class="plain">
              {profile.segments.map((s) => (
                <li key={s.id}>
                  <a href={`#/s/${encodeURIComponent(siteId)}/segments/${encodeURIComponent(s.id)}`}>{segName(s.id)}</a>{' '}
                  <span class="muted">since {when(s.enteredAt)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">In no segment.</p>
          )}
        </section>
        <JourneysCard siteId={siteId} journeys={profile.journeys ?? []} config={(site.config['journeys'] ?? []) as Json[]} />
        <section class="card span-2">
          <h2>Messages</h2>
          {profile.messages.length ? (
            <table class="table compact">
              <thead>
                <tr>
                  <th scope="col">Message</th>
                  <th scope="col">Variant</th>
                  <th scope="col">First exposed</th>
                  <th scope="col">Converted</th>
                </tr>
              </thead>
              <tbody>
                {profile.messages.map((m) => (
                  <tr key={m.id}>
                    <td>{msgName(m.id)}</td>
                    <td>{m.variant === 'holdout' ? <span class="pill">holdout</span> : m.variant}</td>
                    <td>{when(m.exposedAt)}</td>
                    <td>{m.convertedAt ? when(m.convertedAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">No message exposures.</p>
          )}
        </section>
      </div>
      <section class="card">
        <h2>
          Timeline <span class="muted small">({profile.eventCount} events stored, newest first)</span>
        </h2>
        {!groups.length ? <p class="muted">No events.</p> : null}
        {groups.map((g, i) => (
          <section class="session" key={g.sid} aria-label={`Session ${groups.length - i}`}>
            <h3>
              Session {groups.length - i}{' '}
              <span class="muted small">
                {when(g.start)} – {time(g.end)} · {g.events.length} events
              </span>
            </h3>
            <ol class="timeline">
              {g.events.map((e) => {
                const details = eventDetails(e);
                return (
                  <li key={e.id} class={`ev ev-${e.type}`}>
                    <time dateTime={new Date(eventTime(e)).toISOString()}>{time(eventTime(e))}</time>
                    <div>
                      <p class="ev-title">{eventTitle(e, msgName)}</p>
                      <p class="muted small">
                        on {pathOf(e.url)}
                        {details.length ? ' · ' : ''}
                        {details.map(([k, v]) => `${k}: ${v}`).join(' · ')}
                      </p>
                    </div>
                  </li>
                );
              })}
            </ol>
          </section>
        ))}
      </section>
    </>
  );
}
