/** The audit log: who changed what in this site, and when, newest first. */
import { useEffect, useState } from 'preact/hooks';
import { api, type AuditEntry } from './api';
import { hrefOf } from './routing';
import type { ListProps } from './site-state';
import { Empty, ErrorBanner, Loading, PageHeader } from './ui';

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

/** `sites/demo/segments/vip` -> a link to that item's editor, if it still exists. */
function resourceLink(e: AuditEntry, siteId: string, exists: (tab: string, id: string) => boolean): string | null {
  const m = /^sites\/[^/]+\/(segments|slots|messages)\/(.+)$/.exec(e.path);
  if (m && e.action !== 'delete' && exists(m[1]!, m[2]!)) return `#/s/${encodeURIComponent(siteId)}/${m[1]}/${encodeURIComponent(m[2]!)}`;
  if (/^sites\/[^/]+$/.test(e.path)) return `#/s/${encodeURIComponent(siteId)}/settings`;
  return null;
}

export function AuditLog({ site }: ListProps) {
  const siteId = site.config.id;
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = async () => {
    setError(null);
    try {
      setEntries((await api.audit(siteId)).entries);
    } catch (e) {
      setError(e);
    }
  };
  // Reload when the site's version moves (a save in another tab of this dashboard).
  useEffect(() => void load(), [siteId, site.version]);
  const exists = (tab: string, id: string) => ((site.config[tab] as { id: string }[] | undefined) ?? []).some((x) => x.id === id);

  return (
    <>
      <PageHeader title="Audit log" sub="Every change to this site’s configuration: who, when, what. Newest first.">
        <button type="button" class="btn" onClick={load}>
          Refresh
        </button>
      </PageHeader>
      {error ? <ErrorBanner error={error} onReload={load} /> : null}
      {!entries ? (
        error ? null : (
          <Loading what="the audit log" />
        )
      ) : !entries.length ? (
        <Empty title="No changes yet">
          <p>Saves made in this dashboard or through the admin API show up here, with who made them.</p>
        </Empty>
      ) : (
        <table class="table audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Fields changed</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const href = resourceLink(e, siteId, exists);
              return (
                <tr key={e.seq}>
                  <td class="nowrap">
                    <time dateTime={e.at}>{when(e.at)}</time>
                  </td>
                  <td>{e.who}</td>
                  <td>
                    <span class={`pill action-${e.action}`}>{e.action}</span> {href ? <a href={href}>{e.summary}</a> : e.summary}
                  </td>
                  <td class="describe">{e.changed.length ? e.changed.join(', ') : '—'}</td>
                  <td class="nowrap">
                    {e.afterVersion !== e.beforeVersion ? (
                      <a href={hrefOf(siteId, 'versions', String(e.afterVersion))} title={`What version ${e.afterVersion} changed`}>
                        {e.beforeVersion} → {e.afterVersion}
                      </a>
                    ) : (
                      `at ${e.afterVersion}`
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
