/** What every editor shares: the version it was loaded at, saving, the conflict reload, deleting. */
import { useState } from 'preact/hooks';
import { api, ApiError, type Collection, type Issue, type Json, type SiteConfig } from './api';
import type { EditorProps } from './site-state';

/** A notice waiting for the editor of item `id` (set when a new item is saved and opened). */
let flash: { id: string; message: string } | undefined;

function takeFlash(id: string): string {
  if (flash?.id !== id) return '';
  const { message } = flash;
  flash = undefined;
  return message;
}

export function useEditor(collection: Collection, props: EditorProps, blank: () => Json) {
  const isNew = props.id === 'new';
  const find = (c: SiteConfig) => (c[collection] as Json[]).find((x) => x['id'] === props.id);
  const [base, setBase] = useState(() => ({ version: props.site.version, item: isNew ? blank() : find(props.site.config) }));
  const [item, setItem] = useState<Json | undefined>(() => (base.item ? structuredClone(base.item) : undefined));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A new item's editor is replaced by the item's own after the first save (its URL changes):
  // the "Saved" notice is handed over so the marketer still sees it.
  // An item the draft changed says so (not live until the draft is published).
  const [notice, setNotice] = useState(
    () =>
      takeFlash(props.id) ||
      (props.site.draft?.changes.some((c) => c.collection === collection && c.id === props.id)
        ? 'Changed in the draft: not live until the draft is published.'
        : ''),
  );
  const issues: Issue[] = error instanceof ApiError ? error.issues : [];

  const update = (patch: Json) => {
    setItem((cur) => ({ ...cur, ...patch }));
    setNotice('');
  };

  /** Reloads the site and the item (after a conflict, or a write made outside the form), saying `message`. */
  const reloadWith = async (message: string) => {
    setError(null);
    try {
      const r = await api.draft(props.site.config.id);
      props.onSaved(r.site);
      const fresh = isNew ? blank() : find(r.site);
      setBase({ version: r.version, item: fresh });
      setItem(fresh ? structuredClone(fresh) : undefined);
      setNotice(message);
    } catch (e) {
      setError(e);
    }
  };
  const reloadLatest = () => reloadWith('Reloaded the latest version.');

  /** One write to the admin API: busy while it runs; true when it succeeded, else the error is shown. */
  const write = async (run: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await run();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  /**
   * Writes `body` as the item `id` on top of the version the form was loaded at; `onResponse` sees
   * the API's answer. `before` runs a write the item needs first (e.g. the Everyone segment a slot
   * variant targets) and returns the site version it left.
   */
  const save = async (
    id: string,
    body: Json,
    localError?: ApiError,
    onResponse?: (r: Awaited<ReturnType<typeof api.putItem>>) => void,
    before?: (version: number) => Promise<number>,
  ) => {
    setNotice('');
    if (localError) {
      setError(localError);
      return false;
    }
    return write(async () => {
      const version = before ? await before(base.version) : base.version;
      // That write stands even if this one fails: a retry starts from its version.
      if (version !== base.version) setBase((b) => ({ ...b, version }));
      const r = await api.putItem(props.site.config.id, collection, id, body, version);
      props.onSaved(r.site);
      onResponse?.(r);
      const stored = (r.site[collection] as Json[]).find((x) => x['id'] === id);
      setBase({ version: r.version, item: stored });
      setItem(stored ? structuredClone(stored) : body);
      const message =
        collection === 'webhooks'
          ? `Saved (site version ${r.version}). Visitors see it within a few seconds.`
          : 'Saved to the draft. Publish the draft (the bar above) to make it live.';
      setNotice(message);
      if (isNew) flash = { id, message };
    });
  };

  const remove = () =>
    write(async () => {
      const r = await api.deleteItem(props.site.config.id, collection, props.id, base.version);
      props.onSaved(r.site);
    });

  return { isNew, item, update, setItem, error, setError, issues, busy, notice, save, remove, reloadLatest, reloadWith, version: base.version };
}

/** A client-side refusal shaped like the API's, so the same field errors show. */
export function localIssues(issues: Issue[]): ApiError | undefined {
  return issues.length ? new ApiError(400, 'Some fields need attention.', issues) : undefined;
}
