/**
 * Audiences (#/s/<site>/audiences; docs/audiences.md): export a segment's members (identified
 * users by user id with the traits picked, anonymous ones counted) as CSV, JSON or JSON lines, and
 * import traits for user ids from a CSV, sent in chunks with progress and the rows it refused.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AudienceCount, ExportFormat, ImportJob } from '../../../protocol/audiences';
import type { SiteConfig } from '../api';
import type { ListProps } from '../site-state';
import { cannotSave, useMe } from '../team/permission';
import { ErrorBanner, Field, PageHeader } from '../ui';
import { audiencesApi } from './audiences-api';
import { planImport, sha256Hex, traitList } from './model';

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: 'csv', label: 'Download CSV' },
  { format: 'json', label: 'Download JSON' },
  { format: 'jsonl', label: 'JSON lines' },
];

function ExportCard({ site }: { site: SiteConfig }) {
  const segments = site.segments.map((s) => ({ id: String(s['id']), name: String(s['name']) }));
  const [segment, setSegment] = useState(segments.find((s) => s.id === 'cart-abandoners')?.id ?? segments[0]?.id ?? '');
  const [traits, setTraits] = useState('');
  const [count, setCount] = useState<AudienceCount | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!segment) return;
    let live = true;
    setCount(null);
    setError(null);
    audiencesApi.count(site.id, segment).then(
      (c) => live && setCount(c),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [site.id, segment]);

  const picked = traitList(traits);
  return (
    <section class="card" aria-labelledby="export-title">
      <h2 id="export-title">Export a segment</h2>
      <p class="hint block">
        Identified members are listed by user id, once each, with the traits you pick; anonymous members are counted, not listed. The file is streamed page by
        page, so a large segment downloads without a time-out.
      </p>
      {segments.length === 0 ? (
        <p>The live site has no segments yet: publish one first.</p>
      ) : (
        <>
          <div class="grid-2">
            <Field label="Segment" path="segment" issues={[]}>
              {(id) => (
                <select id={id} data-testid="audience-segment" value={segment} onChange={(e) => setSegment(e.currentTarget.value)}>
                  {segments.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name} ({s.id})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Traits to include (comma-separated, optional)" path="traits" issues={[]}>
              {(id) => (
                <input id={id} data-testid="audience-traits" value={traits} placeholder="email, plan" onInput={(e) => setTraits(e.currentTarget.value)} />
              )}
            </Field>
          </div>
          <p data-testid="audience-count" aria-live="polite">
            {error ? null : count ? (
              <>
                <strong>{count.identified.toLocaleString('en')}</strong> identified {count.identified === 1 ? 'user' : 'users'} and{' '}
                <strong>{count.anonymous.toLocaleString('en')}</strong> anonymous {count.anonymous === 1 ? 'visitor' : 'visitors'} (of{' '}
                {count.scanned.toLocaleString('en')} stored)
              </>
            ) : (
              'Counting…'
            )}
          </p>
          {error ? <ErrorBanner error={error} /> : null}
          <p class="actions">
            {FORMATS.map((f) => (
              <a
                key={f.format}
                class={`btn small${f.format === 'csv' ? ' primary' : ''}`}
                data-testid={`export-${f.format}`}
                href={audiencesApi.exportHref(site.id, segment, f.format, picked)}
                download
              >
                {f.label}
              </a>
            ))}
          </p>
        </>
      )}
    </section>
  );
}

function ImportCard({ site }: { site: SiteConfig }) {
  const me = useMe();
  const readOnly = cannotSave(me, 'write');
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const planned = file ? planImport(file.text) : null;

  const choose = async (input: HTMLInputElement) => {
    const f = input.files?.[0];
    setJob(null);
    setError(null);
    setProblem(null);
    setFile(f ? { name: f.name, text: await f.text() } : null);
  };

  const run = async () => {
    if (!file || !planned?.ok) return;
    setBusy(true);
    setError(null);
    try {
      const { plan } = planned;
      const { job: started } = await audiencesApi.createImport(site.id, {
        name: file.name,
        sha256: await sha256Hex(file.text),
        header: plan.header,
        totalRows: plan.totalRows,
      });
      setJob(started);
      if (started.status !== 'done') {
        for (const chunk of plan.chunks) {
          let answer = await audiencesApi.sendChunk(site.id, started.id, chunk.firstRow, chunk.rows);
          // A profile asked to slow down: nothing of the chunk counted; send it again.
          while (answer.retryAfterSeconds !== undefined) {
            await new Promise((r) => setTimeout(r, answer.retryAfterSeconds! * 1000));
            answer = await audiencesApi.sendChunk(site.id, started.id, chunk.firstRow, chunk.rows);
          }
          setJob(answer.job);
        }
      } else setProblem('This file was imported before: nothing changed. Its result is below.');
      // The job as stored (another tab may have sent chunks too).
      setJob(await audiencesApi.job(site.id, started.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">Import traits from CSV</h2>
      <p class="hint block">
        A header <code>user_id,&lt;trait&gt;,…</code>, then one row per user. Each row sets those traits on the user’s profile as an identify would (empty cells
        set nothing); a user who has not identified yet gets them when they do. Bad rows are reported and the others applied; importing the same file again
        changes nothing.
      </p>
      {readOnly ? <p class="banner info">{readOnly}</p> : null}
      <div class="grid-2">
        <Field label="CSV file" path="file" issues={[]}>
          {(id) => (
            <input
              id={id}
              type="file"
              accept=".csv,text/csv"
              data-testid="import-file"
              disabled={busy || !!readOnly}
              onChange={(e) => void choose(e.currentTarget)}
            />
          )}
        </Field>
        <div>
          {planned && !planned.ok ? (
            <p class="banner error" role="alert" data-testid="import-file-error">
              {planned.error}
            </p>
          ) : null}
          {planned?.ok ? (
            <p data-testid="import-plan">
              {planned.plan.totalRows.toLocaleString('en')} rows, traits {planned.plan.header.slice(1).join(', ')}; sent in {planned.plan.chunks.length}{' '}
              {planned.plan.chunks.length === 1 ? 'chunk' : 'chunks'}.
            </p>
          ) : null}
          <button type="button" class="btn small primary" data-testid="import-start" disabled={busy || !planned?.ok || !!readOnly} onClick={() => void run()}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {problem ? <p class="banner info">{problem}</p> : null}
      {job ? <ImportProgress job={job} /> : null}
    </section>
  );
}

function ImportProgress({ job }: { job: ImportJob }) {
  return (
    <div data-testid="import-progress" aria-live="polite">
      <p>
        <progress max={job.totalRows} value={job.rowsDone} aria-label="Rows done" />{' '}
        <span data-testid="import-status">
          {job.status === 'done' ? 'Done' : 'Importing'}: {job.rowsDone.toLocaleString('en')} of {job.totalRows.toLocaleString('en')} rows ·{' '}
          {job.applied.toLocaleString('en')} applied · {job.errorCount.toLocaleString('en')} refused
          {job.notStored ? ` · ${job.notStored.toLocaleString('en')} not stored (consent)` : ''}
        </span>
      </p>
      {job.errors.length > 0 ? (
        <table class="table" data-testid="import-errors">
          <caption>Rows refused{job.errorCount > job.errors.length ? ` (the first ${job.errors.length} of ${job.errorCount})` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {job.errors.map((e) => (
              <tr key={e.row}>
                <td>{e.row}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

export function Audiences({ site }: ListProps) {
  // Exports read the live site (what visitors are evaluated against), not the draft.
  const live = site.live ?? site.config;
  return (
    <>
      <PageHeader title="Audiences" sub="Segments out to your other tools, and traits in from them." />
      <ExportCard site={live} />
      <ImportCard site={live} />
    </>
  );
}
