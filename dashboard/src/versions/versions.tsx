/**
 * Versions (docs/drafts-and-versions.md): every published version of the site, newest first, and
 * one version's readable diff against the version before it, with Revert (one step: a NEW version
 * equal to that one).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Version, type VersionSummary } from '../api';
import { DiffView } from '../drafts/diff-view';
import { hrefOf } from '../routing';
import type { ListProps } from '../site-state';
import { Empty, ErrorBanner, Loading, PageHeader } from '../ui';

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export function VersionList({ site }: ListProps) {
  const siteId = site.config.id;
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => {
    setError(null);
    try {
      setVersions((await api.versions(siteId)).versions);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [siteId, site.version]);
  return (
    <>
      <PageHeader title="Versions" sub="Every published version of this site, newest first. Open one to see what it changed, or to revert to it." />
      {error ? <ErrorBanner error={error} onReload={load} /> : null}
      {!versions ? (
        error ? null : (
          <Loading what="the versions" />
        )
      ) : !versions.length ? (
        <Empty title="No versions yet" />
      ) : (
        <table class="table versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <td class="nowrap">
                  <a href={hrefOf(siteId, 'versions', String(v.version))}>Version {v.version}</a>
                  {v.version === site.version ? <span class="pill"> live</span> : null}
                </td>
                <td class="nowrap">
                  <time dateTime={v.at}>{when(v.at)}</time>
                </td>
                <td>{v.actor}</td>
                <td>{v.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function VersionView({ site, id, reload }: ListProps & { id: string }) {
  const siteId = site.config.id;
  const number = Number(id);
  const [version, setVersion] = useState<Version | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  useEffect(() => {
    setVersion(null);
    api.version(siteId, number).then(setVersion, setError);
  }, [siteId, number]);

  const revert = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.revert(siteId, number);
      await reload();
      setConfirming(false);
      setNotice(`Reverted: version ${r.version} is live, equal to version ${number}.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={`Version ${id}`} sub={version ? `${when(version.at)} · ${version.actor} · ${version.summary}` : undefined}>
        <a class="btn" href={hrefOf(siteId, 'versions')}>
          All versions
        </a>
      </PageHeader>
      {error ? <ErrorBanner error={error} /> : null}
      {notice ? (
        <p class="banner ok" role="status">
          {notice}
        </p>
      ) : null}
      {!version ? (
        error ? null : (
          <Loading what={`version ${id}`} />
        )
      ) : (
        <>
          <section class="card">
            <h3>{version.previousVersion === null ? 'The first version' : `What changed since version ${version.previousVersion}`}</h3>
            <DiffView diff={version.diff} siteId={siteId} exists={(c, x) => ((site.config[c] as { id: string }[] | undefined) ?? []).some((i) => i.id === x)} />
          </section>
          <section class="card danger-zone">
            {number === site.version ? (
              <p class="muted">This is the live version.</p>
            ) : confirming ? (
              <div class="confirm" role="group" aria-label="Confirm revert">
                <p>Make the site as it was at version {number}? This publishes a new version; the draft, if any, stays.</p>
                <button type="button" class="btn danger" disabled={busy} onClick={revert}>
                  Yes, revert
                </button>{' '}
                <button type="button" class="btn ghost" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            ) : (
              <button type="button" class="btn" onClick={() => setConfirming(true)}>
                Revert to version {number}…
              </button>
            )}
          </section>
        </>
      )}
    </>
  );
}
