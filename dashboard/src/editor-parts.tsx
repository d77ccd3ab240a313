/** The parts every item editor repeats: its header with Back and Save, the banners, and the Name/Id pair. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { slugify } from './api';
import type { useEditor } from './editing';
import type { Tab } from './routing';
import { ErrorBanner, Field, PageHeader } from './ui';

type Editor = ReturnType<typeof useEditor>;

/**
 * "New <kind>" (or the item's name), "<Kind> <id> · editing site version N", Back to the list, the
 * submit button, then the save/conflict error and the "Saved" notice.
 */
export function EditorTop({ ed, kind, siteId, tab, newSub }: { ed: Editor; kind: string; siteId: string; tab: Tab; newSub: string }) {
  const item = ed.item ?? {};
  const Kind = `${kind[0]!.toUpperCase()}${kind.slice(1)}`;
  return (
    <>
      <PageHeader
        title={ed.isNew ? `New ${kind}` : String(item['name'] || item['id'])}
        sub={ed.isNew ? newSub : `${Kind} ${item['id']} · editing site version ${ed.version}`}
      >
        <a class="btn ghost" href={`#/s/${encodeURIComponent(siteId)}/${tab}`}>
          Back
        </a>
        <button class="btn primary" type="submit" disabled={ed.busy}>
          {ed.busy ? 'Saving…' : `Save ${kind}`}
        </button>
      </PageHeader>
      <ErrorBanner error={ed.error} onReload={ed.reloadLatest} />
      {ed.notice ? (
        <p class="banner ok" role="status">
          {ed.notice}
        </p>
      ) : null}
    </>
  );
}

/**
 * Name and Id fields (the caller's grid places them). While the item is new, typing a name fills the
 * id with its slug until the id is edited by hand; after creation the id is read-only.
 */
export function NameIdFields({ ed, idHint }: { ed: Editor; idHint?: string }) {
  const [idTouched, setIdTouched] = useState(!ed.isNew);
  const item = ed.item ?? {};
  return (
    <>
      <Field label="Name" path="name" issues={ed.issues}>
        {(id, invalid) => (
          <input
            id={id}
            value={item['name'] ?? ''}
            aria-invalid={invalid}
            onInput={(e) => {
              const name = e.currentTarget.value;
              ed.update(idTouched || !ed.isNew ? { name } : { name, id: slugify(name) });
            }}
          />
        )}
      </Field>
      <Field label="Id" path="id" issues={ed.issues} {...(idHint ? { hint: idHint } : {})}>
        {(id, invalid) => (
          <input
            id={id}
            value={item['id'] ?? ''}
            readOnly={!ed.isNew}
            aria-invalid={invalid}
            onInput={(e) => {
              setIdTouched(true);
              ed.update({ id: e.currentTarget.value });
            }}
          />
        )}
      </Field>
    </>
  );
}

/**
 * The danger zone of a saved item: a delete button that asks first. `question` is the confirm text
 * (what is deleted and what must change first); `confirming` is the caller's, so it can close it.
 */
export function DeleteZone({
  ed,
  confirming,
  setConfirming,
  onDelete,
  button,
  question,
}: {
  ed: Editor;
  confirming: boolean;
  setConfirming: (v: boolean) => void;
  onDelete: () => void;
  button: string;
  question: ComponentChildren;
}) {
  if (ed.isNew) return null;
  return (
    <section class="card danger-zone">
      <h2>Delete</h2>
      {confirming ? (
        <div class="confirm" role="group" aria-label="Confirm delete">
          <p>{question}</p>
          <button type="button" class="btn danger" onClick={onDelete} disabled={ed.busy}>
            Yes, delete it
          </button>
          <button type="button" class="btn ghost" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" class="btn danger-outline" onClick={() => setConfirming(true)}>
          {button}
        </button>
      )}
    </section>
  );
}
