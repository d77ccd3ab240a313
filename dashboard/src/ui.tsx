/** Shared pieces: labelled fields with their API errors, banners, empty and loading states. */
import type { ComponentChildren } from 'preact';
import { useId, useMemo, useState } from 'preact/hooks';
import { ApiError, issuesAt, type Issue } from './api';
import { trustedHtml } from './trusted';

export function FieldErrors({ issues, path, local }: { issues: Issue[]; path: string; local?: string | undefined }) {
  const list = issuesAt(issues, path);
  if (!list.length && !local) return null;
  return (
    <ul class="field-errors" data-path={path}>
      {local ? <li>{local}</li> : null}
      {list.map((i) => (
        <li key={i.path + i.message}>
          {i.path !== path ? `${i.path.slice(path.length + 1)}: ` : ''}
          {i.message}
        </li>
      ))}
    </ul>
  );
}

type FieldProps = {
  label: string;
  path: string;
  issues: Issue[];
  local?: string | undefined;
  hint?: string;
  children: (id: string, invalid: boolean) => ComponentChildren;
  class?: string;
};

/** A label, the control (given its id), a hint, and the errors for `path`. */
export function Field({ label, path, issues, local, hint, children, class: cls }: FieldProps) {
  const id = useId();
  const invalid = !!local || issuesAt(issues, path).length > 0;
  return (
    <div class={`field${invalid ? ' invalid' : ''}${cls ? ' ' + cls : ''}`}>
      <label for={id}>{label}</label>
      {children(id, invalid)}
      {hint ? <p class="hint">{hint}</p> : null}
      <FieldErrors issues={issues} path={path} local={local} />
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div class="state" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

/** What went wrong with a save or a load: the conflict banner, the usedBy refusal, or the message. */
export function ErrorBanner({ error, onReload }: { error: unknown; onReload?: () => void }) {
  if (!error) return null;
  if (error instanceof ApiError && error.conflict) {
    return (
      <div class="banner warn" role="alert">
        <strong>Changed by someone else.</strong> This site is now at version {error.currentVersion}; your edit was not saved, so nothing was overwritten.
        Reload to get the latest version (your unsaved changes here will be lost).
        {onReload ? (
          <button type="button" class="btn small" onClick={onReload}>
            Reload
          </button>
        ) : null}
      </div>
    );
  }
  const e = error instanceof Error ? error : new Error(String(error));
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div class="banner error" role="alert">
      <strong>{error instanceof ApiError && error.issues.length ? 'Please fix the highlighted fields.' : 'Not saved.'}</strong> {e.message}
      {error instanceof ApiError && error.usedBy?.length ? <span class="used-by"> Used by: {error.usedBy.join(', ')}.</span> : null}
      <IssueList issues={issues} />
    </div>
  );
}

/** The API's per-field reasons, as a list under an error banner. */
export function IssueList({ issues }: { issues: Issue[] }) {
  if (!issues.length) return null;
  return (
    <ul>
      {issues.map((i) => (
        <li key={i.path + i.message}>
          <code>{i.path}</code> {i.message}
        </li>
      ))}
    </ul>
  );
}

export function PageHeader({ title, children, sub }: { title: string; sub?: string; children?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {sub ? <p class="sub">{sub}</p> : null}
      </div>
      <div class="actions">{children}</div>
    </header>
  );
}

/** Marketer content in a document that can run nothing: sandbox="" (no scripts, opaque origin). */
export function Preview({ html, title, class: cls }: { html: string; title: string; class?: string }) {
  const doc = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/_wm/dashboard/preview.css"></head><body>${html}</body></html>`;
  // One TrustedHTML per document: a new object every render would reload the frame every render.
  const trusted = useMemo(() => trustedHtml(doc), [doc]);
  return <iframe class={`preview${cls ? ' ' + cls : ''}`} sandbox="" srcdoc={trusted} title={title} />;
}

export { num, toNum } from './item-model';

/** An editor opened for an item the site does not have (a stale link, or it was deleted). */
export function NotFound({ kind, id, siteId, tab }: { kind: string; id: string; siteId: string; tab: string }) {
  return (
    <>
      <PageHeader title={`${kind[0]!.toUpperCase()}${kind.slice(1)} not found`} />
      <Empty title={`There is no ${kind} “${id}” in this site`}>
        <a href={`#/s/${encodeURIComponent(siteId)}/${tab}`}>Back to {tab}</a>
      </Empty>
    </>
  );
}

/**
 * Copying a text from a `.copy-box`: the status line to show, and the click handler. Without
 * clipboard permission (plain http, a policy) the box's field is selected for Ctrl+C instead.
 */
export function useCopy(): [status: string, copy: (text: string, e: Event) => Promise<void>, reset: () => void] {
  const [status, setStatus] = useState('');
  const copy = async (text: string, e: Event) => {
    const box = (e.currentTarget as HTMLElement).closest('.copy-box')?.querySelector<HTMLInputElement | HTMLTextAreaElement>('textarea, input');
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Copied to the clipboard.');
    } catch {
      box?.select();
      setStatus('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return [status, copy, () => setStatus('')];
}

/** A read-only text (a tag to paste, a key, a command) with a button that copies it. */
export function CopyBox({ text, label, button = `Copy ${label}`, rows }: { text: string; label: string; button?: string; rows?: number }) {
  const id = useId();
  const [copied, copy] = useCopy();
  return (
    <div class="copy-box">
      <label class="sr-only" for={id}>
        {label}
      </label>
      <textarea id={id} class="code" readOnly rows={rows ?? text.split('\n').length} value={text} spellcheck={false} />
      <div class="copy-row">
        <button type="button" class="btn small" onClick={(e) => copy(text, e)}>
          {button}
        </button>
        <span class="muted small" role="status">
          {copied}
        </span>
      </div>
    </div>
  );
}
