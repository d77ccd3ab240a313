/**
 * The Team screen (#/team, admins only; docs/team.md): the users with a role select and Remove,
 * inviting someone by a one-time link (shown once, with a copy button), adding a Cloudflare Access
 * email with a role, and the pending invitations with Revoke. The API enforces every rule (the
 * last admin, nobody raises their own role); this screen shows its refusals as they come.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type InvitationInfo, type Issue, type Role, type SiteSummary, type UserInfo } from '../api';
import { CopyBox, ErrorBanner, Field, FieldErrors, PageHeader } from '../ui';
import { useMe } from './permission';
import { SitesPicker } from './sites-picker';

export const ROLE_CHOICES: readonly { role: Role; label: string; can: string }[] = [
  { role: 'viewer', label: 'Viewer', can: 'Sees everything, changes nothing.' },
  { role: 'editor', label: 'Editor', can: 'Edits segments, slots, messages and journeys.' },
  { role: 'publisher', label: 'Publisher', can: 'Also changes site settings, webhooks and the identify key.' },
  { role: 'admin', label: 'Admin', can: 'Also manages the team and API tokens.' },
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');

type InviteDraft = { name: string; role: Role; expiresInDays: number; sites: string[] | null };
const BLANK_INVITE: InviteDraft = { name: '', role: 'editor', expiresInDays: 7, sites: null };
const sitesText = (sites: string[] | null) => (sites ? sites.join(', ') : 'every site');

export function Team() {
  const me = useMe();
  const [users, setUsers] = useState<UserInfo[] | null>(null);
  const [invitations, setInvitations] = useState<InvitationInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<InviteDraft>(BLANK_INVITE);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);
  const [link, setLink] = useState<{ name: string; link: string } | null>(null);
  const [email, setEmail] = useState({ email: '', role: 'viewer' as Role, sites: null as string[] | null });
  const [sites, setSites] = useState<SiteSummary[]>([]);
  /** The user whose sites are being changed, and the list so far. */
  const [sitesOf, setSitesOf] = useState<{ name: string; sites: string[] | null; issues: Issue[] } | null>(null);
  const [emailIssues, setEmailIssues] = useState<Issue[]>([]);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState('');

  const load = async () => {
    try {
      const [u, i, s] = await Promise.all([api.users(), api.invitations(), api.sites()]);
      setUsers(u.users);
      setInvitations(i.invitations);
      setSites(s.sites);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  /** Runs a change, shows the API's refusal (409 last admin, 403 own role…) and reloads. */
  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice('');
    try {
      await what();
      setNotice(done);
    } catch (e) {
      setError(e);
    }
    setConfirming(null);
    await load();
  };

  const invite = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setIssues([]);
    setError(null);
    try {
      const r = await api.invite({ name: draft.name.trim(), role: draft.role, expiresInDays: draft.expiresInDays, sites: draft.sites });
      setLink({ name: r.invitation.name, link: r.link });
      setDraft(BLANK_INVITE);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) setIssues(err.issues);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const addEmail = async (e: Event) => {
    e.preventDefault();
    setEmailIssues([]);
    setError(null);
    try {
      await api.addUser({ email: email.email.trim(), role: email.role, sites: email.sites });
      setNotice(`Added ${email.email.trim().toLowerCase()} as ${email.role} on ${sitesText(email.sites)}: their Cloudflare Access sign-in gets that role.`);
      setEmail({ email: '', role: 'viewer', sites: null });
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) setEmailIssues(err.issues);
      else setError(err);
    }
  };

  const saveSites = async () => {
    if (!sitesOf) return;
    try {
      await api.updateUser(sitesOf.name, { sites: sitesOf.sites });
      setNotice(`${sitesOf.name} now reaches ${sitesText(sitesOf.sites)}: it counts from their next click.`);
      setSitesOf(null);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) setSitesOf({ ...sitesOf, issues: err.issues });
      else setError(err);
    }
  };

  return (
    <div class="editor team">
      <PageHeader title="Team" sub="Who can sign in to this dashboard, which sites they reach, and what their role lets them do there." />
      <ErrorBanner error={error} />
      {notice ? (
        <p class="banner ok" role="status">
          {notice}
        </p>
      ) : null}

      <section class="card" aria-labelledby="team-users">
        <h2 id="team-users">Users</h2>
        <ul class="hint block role-legend">
          {ROLE_CHOICES.map((r) => (
            <li key={r.role}>
              <strong>{r.label}</strong>: {r.can}
            </li>
          ))}
        </ul>
        {users === null ? (
          <p class="muted">Loading the team…</p>
        ) : (
          <div class="table-scroll">
            <table class="table" aria-label="Users">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sites</th>
                  <th scope="col">Signs in with</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.name} data-user={u.name}>
                    <td>
                      {u.name}
                      {u.name === me.user ? <span class="muted small"> (you)</span> : null}
                      <div class="cell-sub muted small">
                        {u.builtIn ? 'built-in admin (the deployment’s password)' : `added by ${u.createdBy} · ${when(u.createdAt)}`}
                      </div>
                    </td>
                    <td>
                      {u.builtIn ? (
                        <span class="pill">admin</span>
                      ) : (
                        <select
                          aria-label={`Role of ${u.name}`}
                          value={u.role}
                          onChange={(e) => {
                            const role = e.currentTarget.value as Role;
                            void act(() => api.updateUser(u.name, { role }), `${u.name} is now ${role}: it counts from their next click.`);
                          }}
                        >
                          {ROLE_CHOICES.map((r) => (
                            <option key={r.role} value={r.role}>
                              {r.label}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                    <td>
                      {sitesOf?.name === u.name ? (
                        <div class="sub-form">
                          <SitesPicker
                            label={`Sites of ${u.name}`}
                            sites={sites}
                            value={sitesOf.sites}
                            onChange={(next) => setSitesOf({ ...sitesOf, sites: next, issues: [] })}
                            issues={sitesOf.issues}
                            path="sites"
                          />
                          <button type="button" class="btn primary small" onClick={() => void saveSites()}>
                            Save sites
                          </button>{' '}
                          <button type="button" class="btn ghost small" onClick={() => setSitesOf(null)}>
                            Cancel
                          </button>
                        </div>
                      ) : (
                        <>
                          {sitesText(u.sites)}
                          {u.builtIn ? null : (
                            <>
                              {' '}
                              <button
                                type="button"
                                class="btn ghost small"
                                aria-label={`Change the sites of ${u.name}`}
                                onClick={() => setSitesOf({ name: u.name, sites: u.sites, issues: [] })}
                              >
                                Change
                              </button>
                            </>
                          )}
                        </>
                      )}
                    </td>
                    <td>{u.signIn === 'access' ? 'Cloudflare Access' : 'password'}</td>
                    <td class="nowrap">
                      {u.builtIn ? null : confirming === u.name ? (
                        <>
                          <button
                            type="button"
                            class="btn danger small"
                            onClick={() => void act(() => api.removeUser(u.name), `Removed ${u.name}: their sessions end now.`)}
                          >
                            Remove {u.name}
                          </button>{' '}
                          <button type="button" class="btn ghost small" onClick={() => setConfirming(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <button type="button" class="btn ghost small" aria-label={`Remove user ${u.name}`} onClick={() => setConfirming(u.name)}>
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="team-invite">
        <h2 id="team-invite">Invite someone</h2>
        <p class="hint block">
          They get a one-time link where they pick a password and are signed in. Send it to them yourself; it is shown once, works once and expires.
        </p>
        {link ? (
          <div data-testid="invite-link">
            <p class="banner ok" role="status">
              Invitation for {link.name} created. Copy the link now: it is not shown again.
            </p>
            <CopyBox text={link.link} label="invitation link" />
            <button type="button" class="btn ghost small" onClick={() => setLink(null)}>
              Done
            </button>
          </div>
        ) : null}
        <form class="sub-form" onSubmit={invite} noValidate aria-label="Invite someone">
          <div class="grid-2">
            <Field label="Name or email" path="name" issues={issues} hint="What they will sign in with.">
              {(id, invalid) => (
                <input id={id} value={draft.name} aria-invalid={invalid} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
              )}
            </Field>
            <Field label="Role" path="role" issues={issues} hint={ROLE_CHOICES.find((r) => r.role === draft.role)?.can}>
              {(id) => (
                <select id={id} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value as Role })}>
                  {ROLE_CHOICES.map((r) => (
                    <option key={r.role} value={r.role}>
                      {r.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Link expires in" path="expiresInDays" issues={issues}>
              {(id) => (
                <select id={id} value={String(draft.expiresInDays)} onChange={(e) => setDraft({ ...draft, expiresInDays: Number(e.currentTarget.value) })}>
                  <option value="1">1 day</option>
                  <option value="7">7 days</option>
                  <option value="30">30 days</option>
                </select>
              )}
            </Field>
          </div>
          <SitesPicker
            label="Sites for the invitation"
            sites={sites}
            value={draft.sites}
            onChange={(next) => setDraft({ ...draft, sites: next })}
            issues={issues}
            path="sites"
          />
          <FieldErrors issues={issues.filter((i) => i.path === '(root)')} path="(root)" />
          <button class="btn primary small" type="submit" disabled={busy}>
            Create invitation link
          </button>
        </form>

        <h3 class="sub-head">Pending invitations</h3>
        {invitations === null ? null : invitations.length === 0 ? (
          <p class="muted">No pending invitations.</p>
        ) : (
          <div class="table-scroll">
            <table class="table" aria-label="Pending invitations">
              <thead>
                <tr>
                  <th scope="col">For</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sites</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.id} data-invitation={i.name}>
                    <td>
                      {i.name}
                      <div class="cell-sub muted small">by {i.createdBy}</div>
                    </td>
                    <td>
                      <span class="pill">{i.role}</span>
                    </td>
                    <td>{sitesText(i.sites)}</td>
                    <td class="nowrap">{when(i.expiresAt)}</td>
                    <td class="nowrap">
                      <button
                        type="button"
                        class="btn ghost small"
                        aria-label={`Revoke the invitation for ${i.name}`}
                        onClick={() => void act(() => api.revokeInvitation(i.id), `Revoked the invitation for ${i.name}: its link no longer works.`)}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="team-access">
        <h2 id="team-access">Cloudflare Access</h2>
        <p class="hint block">
          Where this dashboard sits behind Cloudflare Access, add people by the email Access signs them in with; they need no password here. An email not on the
          team gets the deployment’s default role (WM_ACCESS_DEFAULT_ROLE; see docs/team.md).
        </p>
        <form class="sub-form" onSubmit={addEmail} noValidate aria-label="Add a Cloudflare Access email">
          <div class="grid-2">
            <Field label="Email" path="email" issues={emailIssues}>
              {(id, invalid) => (
                <input id={id} type="email" value={email.email} aria-invalid={invalid} onInput={(e) => setEmail({ ...email, email: e.currentTarget.value })} />
              )}
            </Field>
            <Field label="Role" path="role" issues={emailIssues}>
              {(id) => (
                <select id={id} value={email.role} onChange={(e) => setEmail({ ...email, role: e.currentTarget.value as Role })}>
                  {ROLE_CHOICES.map((r) => (
                    <option key={r.role} value={r.role}>
                      {r.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <SitesPicker
            label="Sites for the email"
            sites={sites}
            value={email.sites}
            onChange={(next) => setEmail({ ...email, sites: next })}
            issues={emailIssues}
            path="sites"
          />
          <button class="btn small" type="submit">
            Add email
          </button>
        </form>
      </section>
    </div>
  );
}
