/** Slots: the list, and the variant editor with a sandboxed preview of what the edge renders. */
import { renderContent } from '../../edge/src/personalize/render';
import type { SlotContent } from '../../edge/src/config/personalization';
import type { Json } from './api';
import { useEditor, type EditorProps, type ListProps } from './editing';
import { Empty, ErrorBanner, NotFound, Field, FieldErrors, num, PageHeader, Preview, toNum } from './ui';

export function SlotList({ site }: ListProps) {
  const siteId = site.config.id;
  const slots = site.config.slots;
  const names = new Map(site.config.segments.map((s) => [s['id'], s['name']]));
  return (
    <>
      <PageHeader title="Slots" sub="Places on your pages (data-wm-slot) whose content changes per segment." />
      {!slots.length ? (
        <Empty title="No slots yet">
          <p>
            Mark an element on your page with <code>data-wm-slot="hero"</code>, add a slot with that id through the admin API, and its variants appear here.
          </p>
        </Empty>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Variants (highest priority first)</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <tr key={s['id']}>
                <td>
                  <a href={`#/s/${encodeURIComponent(siteId)}/slots/${encodeURIComponent(s['id'])}`}>{s['name']}</a>
                </td>
                <td>
                  <code>{s['id']}</code>
                </td>
                <td class="describe">
                  {(s['variants'] as Json[]).length
                    ? [...(s['variants'] as Json[])].sort((a, b) => b['priority'] - a['priority']).map((v) => `${names.get(v['segment']) ?? v['segment']} (${v['priority']})`).join(' · ')
                    : 'No variants: everyone sees the page’s default'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const CONTENT_TYPES = ['html', 'text', 'link', 'image'] as const;
function blankContent(type: string): Json {
  if (type === 'text') return { type, text: '' };
  if (type === 'link') return { type, text: '', href: '' };
  if (type === 'image') return { type, src: '', alt: '' };
  return { type: 'html', html: '' };
}

/** The HTML the edge would put in the slot, or why there is none yet. */
function previewHtml(content: Json): string {
  try {
    const html = renderContent(content as SlotContent);
    return html || '<p class="wm-empty">Nothing to show: add content (unsafe HTML is removed).</p>';
  } catch {
    return '<p class="wm-empty">Fill in the fields to see a preview.</p>';
  }
}

export function SlotEditor(props: EditorProps) {
  const ed = useEditor('slots', props, () => ({ id: '', name: '', variants: [] }));
  const siteId = props.site.config.id;
  if (!ed.item) return <NotFound kind="slot" id={props.id} siteId={siteId} tab="slots" />;
  const item = ed.item;
  const issues = ed.issues;
  const variants = (item['variants'] ?? []) as Json[];
  const segments = props.site.config.segments;
  const setVariant = (i: number, patch: Json) => ed.update({ variants: variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  const setContent = (i: number, patch: Json) => setVariant(i, { content: { ...variants[i]!['content'], ...patch } });

  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Json = {
      ...item,
      variants: variants.map((v) => ({ ...v, priority: typeof v['priority'] === 'string' ? toNum(v['priority']) ?? v['priority'] : v['priority'] })),
    };
    await ed.save(String(item['id']), body);
  };

  return (
    <form onSubmit={submit} noValidate class="editor">
      <PageHeader title={String(item['name'] || item['id'])} sub={`Slot ${item['id']} · editing site version ${ed.version}`}>
        <a class="btn ghost" href={`#/s/${encodeURIComponent(siteId)}/slots`}>
          Back
        </a>
        <button class="btn primary" type="submit" disabled={ed.busy}>
          {ed.busy ? 'Saving…' : 'Save slot'}
        </button>
      </PageHeader>
      <ErrorBanner error={ed.error} onReload={ed.reloadLatest} />
      {ed.notice ? <p class="banner ok" role="status">{ed.notice}</p> : null}
      <section class="card">
        <Field label="Name" path="name" issues={issues}>
          {(id, invalid) => <input id={id} value={item['name'] ?? ''} aria-invalid={invalid} onInput={(e) => ed.update({ name: e.currentTarget.value })} />}
        </Field>
        <p class="hint">
          The highest-priority variant whose segment matches the visitor fills the slot; if none matches, the page keeps its default content.
        </p>
      </section>
      {!variants.length ? (
        <Empty title="No variants">
          <p>Everyone sees the page’s default content. Add a variant to show something else to a segment.</p>
        </Empty>
      ) : null}
      {variants.map((v, i) => {
        const path = `variants.${i}`;
        const c = (v['content'] ?? { type: 'html', html: '' }) as Json;
        const n = i + 1;
        return (
          <section class="card variant" key={i} aria-label={`Variant ${n}`}>
            <div class="section-head">
              <h2>Variant {n}</h2>
              <button type="button" class="btn ghost small" onClick={() => ed.update({ variants: variants.filter((_, j) => j !== i) })} aria-label={`Remove variant ${n}`}>
                Remove
              </button>
            </div>
            <div class="variant-body">
              <div class="variant-fields">
                <div class="grid-3">
                  <Field label="Segment" path={`${path}.segment`} issues={issues}>
                    {(id, invalid) => (
                      <select id={id} value={v['segment'] ?? ''} aria-invalid={invalid} onChange={(e) => setVariant(i, { segment: e.currentTarget.value })}>
                        <option value="">Choose a segment…</option>
                        {segments.map((s) => (
                          <option key={s['id']} value={s['id']}>
                            {s['name']}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label="Priority" path={`${path}.priority`} issues={issues} hint="0–1000, higher wins">
                    {(id, invalid) => <input id={id} type="number" inputMode="numeric" value={num(v['priority'])} aria-invalid={invalid} onInput={(e) => setVariant(i, { priority: e.currentTarget.value })} />}
                  </Field>
                  <Field label="Content type" path={`${path}.content.type`} issues={issues}>
                    {(id) => (
                      <select id={id} value={c['type']} onChange={(e) => setVariant(i, { content: blankContent(e.currentTarget.value) })}>
                        {CONTENT_TYPES.map((t) => (
                          <option key={t} value={t}>
                            {t === 'html' ? 'HTML' : t[0]!.toUpperCase() + t.slice(1)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                </div>
                {c['type'] === 'html' ? (
                  <Field label="HTML" path={`${path}.content.html`} issues={issues} hint="Limited HTML: headings, paragraphs, lists, links, images. Scripts, styles and event handlers are removed.">
                    {(id, invalid) => <textarea id={id} class="code" rows={8} spellcheck={false} aria-invalid={invalid} value={c['html'] ?? ''} onInput={(e) => setContent(i, { html: e.currentTarget.value })} />}
                  </Field>
                ) : null}
                {c['type'] === 'text' ? (
                  <Field label="Text" path={`${path}.content.text`} issues={issues}>
                    {(id, invalid) => <textarea id={id} rows={3} aria-invalid={invalid} value={c['text'] ?? ''} onInput={(e) => setContent(i, { text: e.currentTarget.value })} />}
                  </Field>
                ) : null}
                {c['type'] === 'link' ? (
                  <div class="grid-2">
                    <Field label="Link text" path={`${path}.content.text`} issues={issues}>
                      {(id, invalid) => <input id={id} value={c['text'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { text: e.currentTarget.value })} />}
                    </Field>
                    <Field label="Link URL" path={`${path}.content.href`} issues={issues}>
                      {(id, invalid) => <input id={id} value={c['href'] ?? ''} placeholder="/sale" aria-invalid={invalid} onInput={(e) => setContent(i, { href: e.currentTarget.value })} />}
                    </Field>
                  </div>
                ) : null}
                {c['type'] === 'image' ? (
                  <div class="grid-3">
                    <Field label="Image URL" path={`${path}.content.src`} issues={issues}>
                      {(id, invalid) => <input id={id} value={c['src'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { src: e.currentTarget.value })} />}
                    </Field>
                    <Field label="Alt text" path={`${path}.content.alt`} issues={issues}>
                      {(id, invalid) => <input id={id} value={c['alt'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { alt: e.currentTarget.value })} />}
                    </Field>
                    <Field label="Link URL (optional)" path={`${path}.content.href`} issues={issues}>
                      {(id) => <input id={id} value={c['href'] ?? ''} onInput={(e) => setContent(i, e.currentTarget.value ? { href: e.currentTarget.value } : { href: undefined })} />}
                    </Field>
                  </div>
                ) : null}
                <FieldErrors issues={issues.filter((x) => x.path === path || x.path === `${path}.content`)} path={path} />
              </div>
              <div class="variant-preview">
                <p class="preview-label" id={`pv-${i}`}>
                  Preview (sanitized as the edge renders it)
                </p>
                <Preview html={previewHtml(c)} title={`Preview of variant ${n}`} />
              </div>
            </div>
          </section>
        );
      })}
      <button type="button" class="btn" onClick={() => ed.update({ variants: [...variants, { segment: '', priority: 10, content: { type: 'html', html: '' } }] })}>
        Add a variant
      </button>
      <FieldErrors issues={issues.filter((x) => x.path === 'variants')} path="variants" />
    </form>
  );
}
