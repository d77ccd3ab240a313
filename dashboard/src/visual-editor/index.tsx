/**
 * The visual editor screen (#/s/<site>/visual[/<slot id>]): any page of the site in a frame with
 * the editor overlay (wm-editor.js). Pick an element, get a stable selector with its match count,
 * widen or narrow it, then create a slot bound to that selector (or open the slot that already
 * targets it) and edit its variants per segment, shown live in the page through the edge's own
 * renderer and sanitizer. Saving goes through api.putItem only. PagePicker is the same frame for
 * the message editor's "Pick on page": it hands back a selector.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SlotContent } from '../../../protocol/config/personalization';
import { api, ApiError, slugify, type Issue, type Json } from '../api';
import { contentHostsHint } from '../content-hosts';
import { hrefOf } from '../routing';
import type { ListProps } from '../site-state';
import { blankContent, CONTENT_TYPES, contentTypeLabel, newVariant, slotDraft } from '../slots/model';
import { ErrorBanner, Field, IssueList, PageHeader } from '../ui';
import { EditorFrame, PickPanel, usePick } from './frame';

/** The selector a slot fills: its own, else its data-wm-slot elements. */
const slotSelector = (slot: Json) => String(slot['selector'] || `[data-wm-slot="${slot['id']}"]`);

export function VisualEditor(props: ListProps & { id?: string }) {
  const config = props.site.config;
  const pick = usePick();
  const [slot, setSlot] = useState<Json | null>(null);
  const [isNew, setIsNew] = useState(false);
  const [active, setActive] = useState(0);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(true);

  // The site's slots (the draft's, which saves change without a new version), so a pick names the
  // slot that already targets the element.
  const slotTargets = config.slots.map((s) => ({ id: String(s['id']), ...(s['selector'] ? { selector: String(s['selector']) } : {}) }));
  useEffect(() => {
    pick.send?.({ t: 'slots', slots: slotTargets });
    pick.send?.({ t: 'picking', on: picking });
  }, [pick.send, JSON.stringify(slotTargets), picking]);

  // Opened from a slot (#/s/<site>/visual/<slot>): outline what it fills.
  useEffect(() => {
    const existing = props.id ? config.slots.find((s) => s['id'] === props.id) : undefined;
    if (existing && pick.send && !slot) {
      setSlot(structuredClone(existing));
      setIsNew(false);
      pick.setSelector(slotSelector(existing));
    }
  }, [pick.send, props.id]);

  // A new pick: the slot that targets it, or a new slot bound to the proposed selector.
  useEffect(() => {
    const p = pick.picked;
    if (!p) return;
    // The page names the slot; a slot saved a moment ago may not have reached it yet, so the proposed selector counts too.
    const existing = p.slot ? config.slots.find((s) => s['id'] === p.slot) : config.slots.find((s) => s['selector'] === p.selector);
    setIssues([]);
    setNotice('');
    setActive(0);
    if (existing) {
      setSlot(structuredClone(existing));
      setIsNew(false);
    } else {
      // Named after its words; a text without any (a price, a count) says little, the selector more.
      const worded = /\p{L}/u.test(p.text);
      const base = (worded ? slugify(p.text.split(' ').slice(0, 4).join(' ')) : slugify(p.selector)) || slugify(p.tag) || 'slot';
      let id = base.slice(0, 56);
      for (let n = 2; config.slots.some((s) => s['id'] === id); n++) id = `${base.slice(0, 56)}-${n}`;
      const name = worded ? p.text.slice(0, 60) : p.text ? `${p.selector.slice(0, 40)} (“${p.text.slice(0, 16)}”)` : `<${p.tag}>`;
      setSlot({ id, name, selector: p.selector, variants: [] });
      setIsNew(true);
    }
  }, [pick.picked]);

  const variants = ((slot?.['variants'] ?? []) as Json[]).slice();
  const selector = slot ? (isNew || slot['selector'] ? pick.selector : slotSelector(slot)) : '';
  const shown = variants[Math.min(active, variants.length - 1)];

  // Live preview of the variant being edited (the page renders it with the edge's renderer).
  useEffect(() => {
    if (!pick.send) return;
    const content = shown?.['content'] as SlotContent | undefined;
    pick.send({ t: 'show', selector, content: content && complete(content) ? content : null });
  }, [pick.send, selector, JSON.stringify(shown)]);

  const update = (patch: Json) => setSlot((s) => (s ? { ...s, ...patch } : s));
  const setVariant = (i: number, patch: Json) => update({ variants: variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) });

  const save = async (e: Event) => {
    e.preventDefault();
    if (!slot) return;
    const item = isNew || slot['selector'] ? { ...slot, selector: pick.selector } : slot;
    const draft = slotDraft(item, { isNew, existing: config.slots });
    if (draft.issues.length) return setIssues(draft.issues);
    setBusy(true);
    setError(null);
    setIssues([]);
    try {
      const r = await api.putItem(config.id, 'slots', draft.id, draft.body, props.site.version);
      props.onSaved(r.site);
      setIsNew(false);
      setSlot(structuredClone(r.site.slots.find((s) => s['id'] === draft.id) ?? draft.body));
      setNotice(`Saved slot ${draft.id}.`);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) setIssues(err.issues);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Visual editor" sub="Open any page of your site, pick an element, and personalize it per segment. Nothing is recorded while you edit.">
        <button type="button" class={`btn${picking ? ' primary' : ''}`} aria-pressed={picking} onClick={() => setPicking(!picking)}>
          {picking ? 'Picking: on' : 'Picking: off (browse)'}
        </button>
      </PageHeader>
      <div class="visual-editor">
        <EditorFrame config={config} onMessage={pick.onMessage} onChannel={pick.setSend} initialPath="/" />
        <form class="visual-side card" onSubmit={save} noValidate>
          <PickPanel picked={pick.picked} selector={pick.selector} count={pick.count} refused={pick.refused} send={pick.send} onSelector={pick.setSelector} />
          {slot ? (
            <SlotPanel
              slot={slot}
              isNew={isNew}
              variants={variants}
              active={active}
              setActive={setActive}
              update={update}
              setVariant={setVariant}
              segments={config.segments}
              hostsHint={contentHostsHint(config)}
              issues={issues}
              siteId={config.id}
            />
          ) : null}
          {slot ? (
            <>
              <ErrorBanner error={error && !(error instanceof ApiError && error.issues.length) ? error : null} />
              {issues.length ? <IssueList issues={issues} /> : null}
              {notice ? (
                <p class="banner ok" role="status">
                  {notice}
                </p>
              ) : null}
              <button class="btn primary" type="submit" disabled={busy}>
                {busy ? 'Saving…' : isNew ? 'Create slot' : 'Save slot'}
              </button>
            </>
          ) : null}
        </form>
      </div>
    </>
  );
}

/** Whether the content has what its type needs, so the live preview can render it. */
function complete(c: SlotContent): boolean {
  if (c.type === 'text') return !!c.text;
  if (c.type === 'link') return !!c.text && !!c.href;
  if (c.type === 'image') return !!c.src;
  return !!c.html;
}

function SlotPanel(p: {
  slot: Json;
  isNew: boolean;
  variants: Json[];
  active: number;
  setActive: (i: number) => void;
  update: (patch: Json) => void;
  setVariant: (i: number, patch: Json) => void;
  segments: Json[];
  hostsHint: string;
  issues: Issue[];
  siteId: string;
}) {
  const { slot, variants, issues } = p;
  return (
    <div class="slot-panel" data-slot-panel={slot['id']}>
      <h2>
        {p.isNew ? 'New slot' : 'Slot'} {p.isNew ? null : <a href={hrefOf(p.siteId, 'slots', String(slot['id']))}>{String(slot['id'])}</a>}
      </h2>
      {p.isNew ? (
        <div class="grid-2">
          <Field label="Name" path="name" issues={issues}>
            {(id, invalid) => <input id={id} value={slot['name']} aria-invalid={invalid} onInput={(e) => p.update({ name: e.currentTarget.value })} />}
          </Field>
          <Field label="Id" path="id" issues={issues}>
            {(id, invalid) => <input id={id} value={slot['id']} aria-invalid={invalid} onInput={(e) => p.update({ id: e.currentTarget.value })} />}
          </Field>
        </div>
      ) : null}
      {variants.map((v, i) => {
        const path = `variants.${i}`;
        const c = (v['content'] ?? {}) as Json;
        return (
          <fieldset key={i} class={`variant${i === p.active ? ' on' : ''}`} data-variant={i} onFocusIn={() => p.setActive(i)}>
            <legend>
              Variant {i + 1}
              {i === p.active ? <span class="muted"> · shown in the page</span> : null}
            </legend>
            <div class="grid-2">
              <Field label="Segment" path={`${path}.segment`} issues={issues}>
                {(id, invalid) => (
                  <select id={id} value={v['segment']} aria-invalid={invalid} onChange={(e) => p.setVariant(i, { segment: e.currentTarget.value })}>
                    <option value="">Choose a segment</option>
                    {p.segments.map((s) => (
                      <option key={s['id']} value={s['id']}>
                        {s['name']}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Content type" path={`${path}.content.type`} issues={issues}>
                {(id) => (
                  <select id={id} value={c['type']} onChange={(e) => p.setVariant(i, { content: blankContent(e.currentTarget.value) })}>
                    {CONTENT_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {contentTypeLabel(t)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            {c['type'] === 'html' || c['type'] === 'text' ? (
              <Field label={c['type'] === 'html' ? 'HTML (limited: unsafe markup is removed)' : 'Text'} path={`${path}.content.${c['type']}`} issues={issues}>
                {(id, invalid) => (
                  <textarea
                    id={id}
                    rows={3}
                    value={c[c['type']]}
                    aria-invalid={invalid}
                    onInput={(e) => p.setVariant(i, { content: { ...c, [c['type']]: e.currentTarget.value } })}
                  />
                )}
              </Field>
            ) : null}
            {c['type'] === 'link' ? (
              <div class="grid-2">
                <Field label="Link text" path={`${path}.content.text`} issues={issues}>
                  {(id) => <input id={id} value={c['text']} onInput={(e) => p.setVariant(i, { content: { ...c, text: e.currentTarget.value } })} />}
                </Field>
                <Field label="Link URL" path={`${path}.content.href`} issues={issues} hint={p.hostsHint}>
                  {(id) => <input id={id} value={c['href']} onInput={(e) => p.setVariant(i, { content: { ...c, href: e.currentTarget.value } })} />}
                </Field>
              </div>
            ) : null}
            {c['type'] === 'image' ? (
              <div class="grid-2">
                <Field label="Image URL" path={`${path}.content.src`} issues={issues} hint={p.hostsHint}>
                  {(id) => <input id={id} value={c['src']} onInput={(e) => p.setVariant(i, { content: { ...c, src: e.currentTarget.value } })} />}
                </Field>
                <Field label="Alt text" path={`${path}.content.alt`} issues={issues}>
                  {(id) => <input id={id} value={c['alt']} onInput={(e) => p.setVariant(i, { content: { ...c, alt: e.currentTarget.value } })} />}
                </Field>
              </div>
            ) : null}
            <div class="row-buttons">
              <button type="button" class="btn small ghost" onClick={() => p.setActive(i)} disabled={i === p.active}>
                Show in page
              </button>
              <button type="button" class="btn small danger-outline" onClick={() => p.update({ variants: variants.filter((_, j) => j !== i) })}>
                Remove variant
              </button>
            </div>
          </fieldset>
        );
      })}
      <button
        type="button"
        class="btn small"
        onClick={() => {
          p.update({ variants: [...variants, { ...newVariant(), content: blankContent('text') }] });
          p.setActive(variants.length);
        }}
      >
        Add variant
      </button>
    </div>
  );
}

/** The message editor's "Pick on page": the frame and the pick panel; `onPick` gets the selector. */
export function PagePicker({ config, onPick, onClose }: { config: ListProps['site']['config']; onPick: (selector: string) => void; onClose: () => void }) {
  const pick = usePick();
  useEffect(() => {
    pick.send?.({ t: 'picking', on: true });
  }, [pick.send]);
  return (
    <div class="page-picker card" data-page-picker="">
      <div class="row-buttons">
        <strong>Pick the element the message goes into</strong>
        <button type="button" class="btn small primary" disabled={!pick.selector || pick.count?.matches === 0} onClick={() => onPick(pick.selector)}>
          Use this selector
        </button>
        <button type="button" class="btn small ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <PickPanel picked={pick.picked} selector={pick.selector} count={pick.count} refused={pick.refused} send={pick.send} onSelector={pick.setSelector} />
      <EditorFrame config={config} onMessage={pick.onMessage} onChannel={pick.setSend} />
    </div>
  );
}
