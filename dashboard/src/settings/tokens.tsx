/**
 * Settings › API tokens: Bearer tokens for scripts and CI (protocol/api-tokens.ts has the model).
 * Tokens span sites, so this section is the same on every site's Settings. A new token's secret
 * is shown once, with a copy button; the list shows scope, sites, last use and expiry, and revokes.
 * It sits inside the Settings form, so it has no form of its own (forms do not nest): its buttons
 * are type="button" and Enter in the name field creates the token instead of saving the site.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type ApiTokenInfo, type Issue, type TokenScope } from '../api';
import { ErrorBanner, Field, FieldErrors, useCopy } from '../ui';

/** The scopes, as the API names them (protocol/api-tokens.ts TOKEN_SCOPES), with what each allows. */
const SCOPES: readonly { scope: TokenScope; label: string; allows: string }[] = [
  { scope: 'read', label: 'Read', allows: 'Reads configs, reports, profiles and logs.' },
  { scope: 'write', label: 'Write', allows: 'Reads, and edits segments, slots, messages and journeys.' },
  { scope: 'publish', label: 'Publish', allows: 'Writes, and changes site settings, webhooks and the identify key.' },
];

const EXPIRIES: readonly { days: number | null; label: string }[] = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: null, label: 'Never' },
];

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

type Draft = { name: string; scope: TokenScope; thisSiteOnly: boolean; expiresInDays: number | null };
const BLANK: Draft = { name: '', scope: 'read', thisSiteOnly: true, expiresInDays: 90 };

export function ApiTokens({ siteId }: { siteId: string }) {
  const [tokens, setTokens] = useState<ApiTokenInfo[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft>(BLANK);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [createError, setCreateError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<{ name: string; secret: string } | null>(null);
  const [copied, copy, clearCopied] = useCopy();
  const [confirming, setConfirming] = useState<string | null>(null);

  const load = async () => {
    setLoadError(null);
    try {
      setTokens((await api.tokens()).tokens);
    } catch (e) {
      setLoadError(e);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const create = async () => {
    const name = draft.name.trim();
    if (!name) return setIssues([{ path: 'name', message: 'required' }]);
    setBusy(true);
    setIssues([]);
    setCreateError(null);
    try {
      const r = await api.createToken({ name, scope: draft.scope, sites: draft.thisSiteOnly ? [siteId] : null, expiresInDays: draft.expiresInDays });
      setIssued({ name: r.token.name, secret: r.secret });
      clearCopied();
      setDraft(BLANK);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) setIssues(err.issues);
      else setCreateError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: ApiTokenInfo) => {
    setLoadError(null);
    try {
      await api.revokeToken(token.id);
      setTokens((list) => list?.filter((t) => t.id !== token.id) ?? null);
      setConfirming(null);
      if (issued?.name === token.name) setIssued(null);
      await load();
    } catch (e) {
      setLoadError(e);
    }
  };

  return (
    <section class="card" aria-labelledby="api-tokens">
      <h2 id="api-tokens">API tokens</h2>
      <p class="hint block">
        For scripts and CI: send <code>Authorization: Bearer wm_…</code> to <code>/_wm/admin/api</code>. A token needs no CSRF header. Read sees configs and
        reports, write edits segments, slots, messages and journeys, publish also changes site settings and webhooks. No token can manage tokens. The secret is
        shown once; only its hash is stored.
      </p>

      {issued ? (
        <div class="copy-box" data-testid="issued-token">
          <p class="banner ok" role="status">
            Token “{issued.name}” created. Copy it now: it is not shown again.
          </p>
          <label class="sr-only" for="issued-token-secret">
            New API token
          </label>
          <input id="issued-token-secret" class="code" readOnly value={issued.secret} spellcheck={false} />
          <div class="copy-row">
            <button type="button" class="btn small" onClick={(e) => issued && copy(issued.secret, e)}>
              Copy token
            </button>
            <button type="button" class="btn ghost small" onClick={() => setIssued(null)}>
              Done
            </button>
            <span class="muted small" role="status">
              {copied}
            </span>
          </div>
        </div>
      ) : null}

      <div class="sub-form" role="group" aria-label="Create an API token">
        <h3 class="sub-head">New token</h3>
        <div class="grid-2">
          <Field label="Token name" path="name" issues={issues} hint="Say where it is used, like “GitHub Actions deploy”.">
            {(id, invalid) => (
              <input
                id={id}
                value={draft.name}
                maxLength={64}
                aria-invalid={invalid}
                onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter') return;
                  e.preventDefault();
                  void create();
                }}
              />
            )}
          </Field>
          <Field label="Scope" path="scope" issues={issues} hint={SCOPES.find((s) => s.scope === draft.scope)?.allows}>
            {(id) => (
              <select id={id} value={draft.scope} onChange={(e) => setDraft({ ...draft, scope: e.currentTarget.value as TokenScope })}>
                {SCOPES.map((s) => (
                  <option key={s.scope} value={s.scope}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Sites" path="sites" issues={issues}>
            {(id) => (
              <select
                id={id}
                value={draft.thisSiteOnly ? 'this' : 'all'}
                onChange={(e) => setDraft({ ...draft, thisSiteOnly: e.currentTarget.value === 'this' })}
              >
                <option value="this">Only this site ({siteId})</option>
                <option value="all">Every site</option>
              </select>
            )}
          </Field>
          <Field label="Expires" path="expiresInDays" issues={issues}>
            {(id) => (
              <select
                id={id}
                value={draft.expiresInDays === null ? 'never' : String(draft.expiresInDays)}
                onChange={(e) => setDraft({ ...draft, expiresInDays: e.currentTarget.value === 'never' ? null : Number(e.currentTarget.value) })}
              >
                {EXPIRIES.map((x) => (
                  <option key={x.label} value={x.days === null ? 'never' : String(x.days)}>
                    {x.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <FieldErrors issues={issues.filter((i) => i.path === '(root)')} path="(root)" />
        {createError ? <ErrorBanner error={createError} /> : null}
        <button class="btn small" type="button" disabled={busy} onClick={() => void create()}>
          Create token
        </button>
      </div>

      <h3 class="sub-head">Tokens</h3>
      {loadError ? <ErrorBanner error={loadError} onReload={() => void load()} /> : null}
      {tokens === null ? (
        loadError ? null : (
          <p class="muted">Loading tokens…</p>
        )
      ) : tokens.length === 0 ? (
        <p class="muted">No API tokens yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="table" aria-label="API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Sites</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const expired = t.expiresAt !== null && Date.parse(t.expiresAt) <= Date.now();
                return (
                  <tr key={t.id} data-token={t.name}>
                    <td>
                      {t.name}
                      <div class="cell-sub muted small">by {t.createdBy}</div>
                    </td>
                    <td>
                      <span class="pill">{t.scope}</span>
                    </td>
                    <td>{t.sites ? t.sites.join(', ') : 'every site'}</td>
                    <td class="nowrap">{when(t.createdAt, '')}</td>
                    <td class="nowrap">{when(t.lastUsedAt, 'never')}</td>
                    <td class="nowrap">{expired ? <strong>expired</strong> : when(t.expiresAt, 'never')}</td>
                    <td class="nowrap">
                      {confirming === t.id ? (
                        <>
                          <button type="button" class="btn danger small" onClick={() => void revoke(t)}>
                            Revoke {t.name}
                          </button>{' '}
                          <button type="button" class="btn ghost small" onClick={() => setConfirming(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <button type="button" class="btn ghost small" aria-label={`Revoke token ${t.name}`} onClick={() => setConfirming(t.id)}>
                          Revoke
                        </button>
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
