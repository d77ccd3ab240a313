/**
 * The draft bar (docs/drafts-and-versions.md), on every site tab while the site has a draft: what
 * changed (a readable diff against live), and what the signed-in principal may do with it:
 * Publish, Submit for review, Approve / Reject, Schedule / Cancel schedule, Discard.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, type Draft } from '../api';
import type { SiteState } from '../site-state';
import { DiffView } from './diff-view';

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** `datetime-local` wants local "YYYY-MM-DDTHH:MM". */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function DraftBar({ site, reload }: { site: SiteState; reload: () => Promise<void> }) {
  const draft: Draft | undefined = site.draft;
  const siteId = site.config.id;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [at, setAt] = useState(() => localInput(new Date(Date.now() + 3_600_000)));
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  if (!draft || (draft.status === 'none' && !notice && !error)) return null;

  const run = async (action: () => Promise<unknown>, done: (r: unknown) => string) => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      const r = await action();
      await reload();
      setNotice(done(r));
      setConfirmDiscard(false);
    } catch (e) {
      setError(e);
      // A teammate may have published or discarded the draft meanwhile: the bar shows what is now.
      await reload();
    } finally {
      setBusy(false);
    }
  };
  const versionOf = (r: unknown) => (r as { version: number }).version;

  if (draft.status === 'none') {
    return (
      <section class="draft-bar done" aria-label="Draft">
        <Outcome notice={notice} error={error} />
        <button type="button" class="btn small ghost" onClick={() => (setNotice(''), setError(null))}>
          Dismiss
        </button>
      </section>
    );
  }

  const count = draft.changes.length;
  const submitted = draft.status === 'submitted';
  const exists = (collection: string, id: string) => ((site.config[collection] as { id: string }[] | undefined) ?? []).some((x) => x.id === id);
  return (
    <section class={`draft-bar${submitted ? ' submitted' : ''}`} aria-label="Draft">
      <div class="draft-head">
        <p>
          <strong>Draft</strong>: {plural(count, 'change')} not live yet{draft.author ? `, last by ${draft.author}` : ''}.{' '}
          {submitted && draft.submitted ? (
            <span class="pill">
              waiting for approval (submitted by {draft.submitted.by}, {when(draft.submitted.at)})
            </span>
          ) : null}{' '}
          {draft.schedule ? (
            <span class="pill" data-testid="draft-schedule">
              publishes at <time dateTime={draft.schedule.at}>{when(draft.schedule.at)}</time> (by {draft.schedule.by})
            </span>
          ) : null}
          {draft.requireApproval && !draft.you.mayPublish && !submitted ? (
            <span class="muted"> This site needs a publisher’s approval: submit it for review.</span>
          ) : null}
        </p>
        <button type="button" class="btn small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide changes' : 'Show changes'}
        </button>
      </div>
      {draft.conflicts.length ? (
        <p class="banner warn" role="alert">
          Changed live since the draft copied them: {draft.conflicts.join(', ')}. Publishing is refused until you discard the draft or redo these edits on top
          of live.
        </p>
      ) : null}
      {open ? <DiffView diff={draft.diff} siteId={siteId} exists={exists} /> : null}
      <div class="draft-actions">
        {draft.you.mayPublish && !(submitted && draft.you.mayApprove) ? (
          <button
            type="button"
            class="btn primary"
            disabled={busy}
            onClick={() =>
              run(
                () => api.publishDraft(siteId),
                (r) => `Published: version ${versionOf(r)} is live.`,
              )
            }
          >
            Publish
          </button>
        ) : null}
        {!submitted && draft.requireApproval && !draft.you.mayApprove ? (
          <button
            type="button"
            class="btn primary"
            disabled={busy}
            onClick={() =>
              run(
                () => api.submitDraft(siteId),
                () => 'Submitted for review.',
              )
            }
          >
            Submit for review
          </button>
        ) : null}
        {submitted && draft.you.mayApprove ? (
          <>
            <button
              type="button"
              class="btn primary"
              disabled={busy}
              onClick={() =>
                run(
                  () => api.approveDraft(siteId),
                  (r) => `Approved and published: version ${versionOf(r)} is live.`,
                )
              }
            >
              Approve
            </button>
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={() =>
                run(
                  () => api.rejectDraft(siteId),
                  () => 'Rejected: the draft is back to editing.',
                )
              }
            >
              Reject
            </button>
          </>
        ) : null}
        {draft.you.mayPublish ? (
          <span class="draft-schedule">
            <label>
              Publish at <input type="datetime-local" value={at} onInput={(e) => setAt(e.currentTarget.value)} />
            </label>
            <button
              type="button"
              class="btn"
              disabled={busy || !at}
              onClick={() =>
                run(
                  () => api.scheduleDraft(siteId, new Date(at).toISOString()),
                  () => 'Scheduled.',
                )
              }
            >
              Schedule
            </button>
          </span>
        ) : null}
        {draft.schedule ? (
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() =>
              run(
                () => api.cancelSchedule(siteId),
                () => 'Schedule cancelled.',
              )
            }
          >
            Cancel schedule
          </button>
        ) : null}
        {confirmDiscard ? (
          <span class="confirm" role="group" aria-label="Confirm discard">
            Drop all {plural(count, 'change')}?{' '}
            <button
              type="button"
              class="btn danger"
              disabled={busy}
              onClick={() =>
                run(
                  () => api.discardDraft(siteId),
                  () => 'Draft discarded.',
                )
              }
            >
              Yes, discard it
            </button>
            <button type="button" class="btn ghost" onClick={() => setConfirmDiscard(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" class="btn danger-outline" disabled={busy} onClick={() => setConfirmDiscard(true)}>
            Discard…
          </button>
        )}
      </div>
      <Outcome notice={notice} error={error} />
    </section>
  );
}

/** What the last action did: its notice, or why it failed. */
function Outcome({ notice, error }: { notice: string; error: unknown }) {
  return (
    <>
      {notice ? <p role="status">{notice}</p> : null}
      {error ? (
        <p class="banner error" role="alert">
          {error instanceof ApiError ? error.message : String(error)}
        </p>
      ) : null}
    </>
  );
}
