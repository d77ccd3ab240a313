/** Slots: the list, and the variant editor with a sandboxed preview of what the edge renders. */
import { renderContent } from '../../../protocol/content/render';
import type { SlotContent } from '../../../protocol/config/personalization';
import { type Issue, type Json } from '../api';
import { localIssues, useEditor } from '../editing';
import { go } from '../routing';
import type { EditorProps, ListProps } from '../site-state';
import { EditorTop, ItemLink, ListTop, NameIdFields } from '../editor-parts';
import { Empty, NotFound, Field, FieldErrors, num, Preview, toNum } from '../ui';

export function SlotList({ site }: ListProps) {
  const siteId = site.config.id;
  const slots = site.config.slots;
  const names = new Map(site.config.segments.map((s) => [s['id'], s['name']]));
  return (
    <>
      <ListTop title="Slots" sub="Places on your pages (data-wm-slot) whose content changes per segment." siteId={siteId} tab="slots" kind="slot" />
      {!slots.length ? (
        <Empty title="No slots yet">
          <p>
            A slot is a place on your pages, such as the home hero, whose content changes per segment. Create one, then mark the element with{' '}
            <code>data-wm-slot="its-id"</code>.
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
                  <ItemLink siteId={siteId} tab="slots" item={s} />
                </td>
                <td>
                  <code>{s['id']}</code>
                </td>
                <td class="describe">
                  {(s['variants'] as Json[]).length
                    ? [...(s['variants'] as Json[])]
                        .sort((a, b) => b['priority'] - a['priority'])
                        .map((v) => `${names.get(v['segment']) ?? v['segment']} (${v['priority']})`)
                        .join(' · ')
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
    const id = String(item['id'] ?? '').trim();
    const local: Issue[] = [];
    if (!id) local.push({ path: 'id', message: 'required' });
    if (ed.isNew && props.site.config.slots.some((x) => x['id'] === id)) local.push({ path: 'id', message: `a slot “${id}” already exists: pick another id` });
    const body: Json = {
      ...item,
      id,
      variants: variants.map((v) => ({ ...v, priority: typeof v['priority'] === 'string' ? (toNum(v['priority']) ?? v['priority']) : v['priority'] })),
    };
    if (typeof body['selector'] === 'string' && !body['selector'].trim()) delete body['selector'];
    const ok = await ed.save(id, body, localIssues(local));
    if (ok && ed.isNew) go(siteId, 'slots', id);
  };
  const slotId = String(item['id'] || 'your-slot-id');

  return (
    <form onSubmit={submit} noValidate class="editor">
      <EditorTop ed={ed} kind="slot" siteId={siteId} tab="slots" newSub="A place on your pages whose content changes per segment." />
      <section class="card">
        <div class="grid-3">
          <NameIdFields ed={ed} idHint={ed.isNew ? 'The value of data-wm-slot; cannot change later.' : 'Ids cannot change.'} />
          <Field label="CSS selector (optional)" path="selector" issues={issues} hint="Also fill elements matching this, e.g. #promo or .hero h1">
            {(id, invalid) => (
              <input
                id={id}
                value={item['selector'] ?? ''}
                placeholder="#promo"
                aria-invalid={invalid}
                onInput={(e) => ed.update({ selector: e.currentTarget.value })}
              />
            )}
          </Field>
        </div>
        <div class="usage">
          <p class="preview-label">Default content: what your page already has</p>
          <p class="hint">
            Put the attribute on the element whose content should change. Its own content is the default, shown whenever no variant matches the visitor:
          </p>
          <pre class="code-block">
            <code>{`<div data-wm-slot="${slotId}">\n  <h1>Your default headline</h1>\n</div>`}</code>
          </pre>
        </div>
        <p class="hint">The highest-priority variant whose segment matches the visitor fills the slot; if none matches, the page keeps its default content.</p>
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
              <button
                type="button"
                class="btn ghost small"
                onClick={() => ed.update({ variants: variants.filter((_, j) => j !== i) })}
                aria-label={`Remove variant ${n}`}
              >
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
                    {(id, invalid) => (
                      <input
                        id={id}
                        type="number"
                        inputMode="numeric"
                        value={num(v['priority'])}
                        aria-invalid={invalid}
                        onInput={(e) => setVariant(i, { priority: e.currentTarget.value })}
                      />
                    )}
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
                  <Field
                    label="HTML"
                    path={`${path}.content.html`}
                    issues={issues}
                    hint="Limited HTML: headings, paragraphs, lists, links, images. Scripts, styles and event handlers are removed."
                  >
                    {(id, invalid) => (
                      <textarea
                        id={id}
                        class="code"
                        rows={8}
                        spellcheck={false}
                        aria-invalid={invalid}
                        value={c['html'] ?? ''}
                        onInput={(e) => setContent(i, { html: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                ) : null}
                {c['type'] === 'text' ? (
                  <Field label="Text" path={`${path}.content.text`} issues={issues}>
                    {(id, invalid) => (
                      <textarea
                        id={id}
                        rows={3}
                        aria-invalid={invalid}
                        value={c['text'] ?? ''}
                        onInput={(e) => setContent(i, { text: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                ) : null}
                {c['type'] === 'link' ? (
                  <div class="grid-2">
                    <Field label="Link text" path={`${path}.content.text`} issues={issues}>
                      {(id, invalid) => (
                        <input id={id} value={c['text'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { text: e.currentTarget.value })} />
                      )}
                    </Field>
                    <Field label="Link URL" path={`${path}.content.href`} issues={issues}>
                      {(id, invalid) => (
                        <input
                          id={id}
                          value={c['href'] ?? ''}
                          placeholder="/sale"
                          aria-invalid={invalid}
                          onInput={(e) => setContent(i, { href: e.currentTarget.value })}
                        />
                      )}
                    </Field>
                  </div>
                ) : null}
                {c['type'] === 'image' ? (
                  <div class="grid-3">
                    <Field label="Image URL" path={`${path}.content.src`} issues={issues}>
                      {(id, invalid) => (
                        <input id={id} value={c['src'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { src: e.currentTarget.value })} />
                      )}
                    </Field>
                    <Field label="Alt text" path={`${path}.content.alt`} issues={issues}>
                      {(id, invalid) => (
                        <input id={id} value={c['alt'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { alt: e.currentTarget.value })} />
                      )}
                    </Field>
                    <Field label="Link URL (optional)" path={`${path}.content.href`} issues={issues}>
                      {(id) => (
                        <input
                          id={id}
                          value={c['href'] ?? ''}
                          onInput={(e) => setContent(i, e.currentTarget.value ? { href: e.currentTarget.value } : { href: undefined })}
                        />
                      )}
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
      <button
        type="button"
        class="btn"
        onClick={() => ed.update({ variants: [...variants, { segment: '', priority: 10, content: { type: 'html', html: '' } }] })}
      >
        Add a variant
      </button>
      <FieldErrors issues={issues.filter((x) => x.path === 'variants')} path="variants" />
    </form>
  );
}
