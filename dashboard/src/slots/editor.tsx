/** The slot editor: name, id and selector, then each variant with a sandboxed preview of what the edge renders. */
import { api, type Issue, type Json } from '../api';
import { localIssues, useEditor } from '../editing';
import { go, hrefOf } from '../routing';
import type { EditorProps } from '../site-state';
import { EditorTop, NameIdFields } from '../editor-parts';
import { Empty, NotFound, Field, FieldErrors, num, Preview } from '../ui';
import { contentHostsHint } from '../content-hosts';
import { EVERYONE_SEGMENT, everyoneChoice, otherSegments } from '../segments/everyone';
import { useState } from 'preact/hooks';
import { LocaleSwitcher, withLocale } from '../locales';
import { isRtl } from '../../../protocol/locale';
import { blankContent, blankSlot, CONTENT_TYPES, contentTypeLabel, newExperiment, newVariant, previewHtml, slotDraft } from './model';

export function SlotEditor(props: EditorProps) {
  const ed = useEditor('slots', props, blankSlot);
  /** The language each variant's fields edit ('' = the default content), by variant index. */
  const [editing, setEditing] = useState<Record<number, string>>({});
  const siteId = props.site.config.id;
  if (!ed.item) return <NotFound kind="slot" id={props.id} siteId={siteId} tab="slots" />;
  const item = ed.item;
  const issues = ed.issues;
  const variants = (item['variants'] ?? []) as Json[];
  const segments = otherSegments(props.site.config.segments);
  const everyone = everyoneChoice(props.site.config.segments);
  const hostsHint = contentHostsHint(props.site.config);
  const setVariant = (i: number, patch: Json) => ed.update({ variants: variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  const localeOf = (i: number) => (variants[i]?.['locales']?.[editing[i] ?? ''] ? editing[i]! : '');
  /** Writes the content being edited: the default, or the selected language's. */
  const putContent = (i: number, content: Json) => {
    const tag = localeOf(i);
    setVariant(i, tag ? { locales: withLocale(variants[i]!['locales'], tag, content) } : { content });
  };
  const setContent = (i: number, patch: Json) => {
    const tag = localeOf(i);
    putContent(i, { ...(tag ? variants[i]!['locales'][tag] : variants[i]!['content']), ...patch });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const { id, body, issues: local } = slotDraft(item, { isNew: ed.isNew, existing: props.site.config.slots });
    // "Everyone" on a site without that segment yet: it is created first, in the same save.
    const addEveryone = everyone?.create && variants.some((v) => v['segment'] === everyone.id);
    const ok = await ed.save(
      id,
      body,
      localIssues(local),
      undefined,
      addEveryone
        ? async (version) => {
            const r = await api.putItem(siteId, 'segments', EVERYONE_SEGMENT.id, { ...EVERYONE_SEGMENT }, version);
            props.onSaved(r.site);
            return r.version;
          }
        : undefined,
    );
    if (ok && ed.isNew) go(siteId, 'slots', id);
  };
  const slotId = String(item['id'] || 'your-slot-id');
  const experiment = item['experiment'] as Json | undefined;
  const goal = (experiment?.['goal'] ?? {}) as Json;
  const setExperiment = (patch: Json) => ed.update({ experiment: { ...experiment, ...patch } });

  return (
    <form onSubmit={submit} noValidate class="editor">
      <EditorTop ed={ed} kind="slot" siteId={siteId} tab="slots" newSub="A place on your pages whose content changes per segment." />
      <section class="card">
        <div class="grid-3">
          <NameIdFields ed={ed} idHint={ed.isNew ? 'The value of data-wm-slot; cannot change later.' : 'Ids cannot change.'} />
          <Field
            label="CSS selector (optional)"
            path="selector"
            issues={issues}
            hint="Also fill elements matching this, e.g. #promo or .hero h1. Never script, style, textarea, title, iframe, svg or anything in <head>: those are refused, and skipped on the page."
          >
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
        {ed.isNew ? null : (
          <a class="btn small" href={hrefOf(siteId, 'visual', String(item['id']))}>
            Open in visual editor
          </a>
        )}
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
      <section class="card" aria-label="Experiment">
        <h2>Experiment</h2>
        <div class="field">
          <label class="check">
            <input
              type="checkbox"
              checked={!!experiment}
              aria-describedby="experiment-hint"
              onChange={(e) => ed.update({ experiment: e.currentTarget.checked ? newExperiment() : undefined })}
            />
            Measure this slot: keep a holdout on the default content and count a goal
          </label>
          <p class="hint" id="experiment-hint">
            Of the visitors a variant would be shown to, the holdout keeps the page’s default content. The Reports tab then compares, per segment, the visitors
            who saw the variant with those held out: the lift, an interval that stays valid however often you look, a check that the split works, and about how
            many more days to a verdict.
          </p>
        </div>
        {experiment ? (
          <div class="grid-3">
            <NumberField
              label="Holdout %"
              path="experiment.holdout"
              issues={issues}
              hint="0–50: the share of matching visitors kept on the default"
              value={num(experiment['holdout'])}
              onInput={(value) => setExperiment({ holdout: value })}
            />
            <Field label="Conversion goal event" path="experiment.goal.event" issues={issues} hint="The event that counts as a conversion, e.g. purchase">
              {(id, invalid) => (
                <input
                  id={id}
                  value={String(goal['event'] ?? '')}
                  placeholder="purchase"
                  aria-invalid={invalid}
                  onInput={(e) => setExperiment({ goal: { ...goal, event: e.currentTarget.value } })}
                />
              )}
            </Field>
            <NumberField
              label="Goal within (hours)"
              path="experiment.goal.withinHours"
              issues={issues}
              hint="1–720 hours after the visitor first met the slot"
              value={num(goal['withinHours'])}
              onInput={(value) => setExperiment({ goal: { ...goal, withinHours: value } })}
            />
          </div>
        ) : null}
        <FieldErrors issues={issues.filter((x) => x.path === 'experiment' || x.path === 'experiment.goal')} path="experiment" />
      </section>
      {!variants.length ? (
        <Empty title="No variants">
          <p>Everyone sees the page’s default content. Add a variant to show something else to a segment.</p>
        </Empty>
      ) : null}
      {variants.map((v, i) => {
        const tag = localeOf(i);
        const tags = Object.keys((v['locales'] ?? {}) as Json);
        // Issues of the content being edited are under content or locales.<tag>.
        const path = `variants.${i}`;
        const cpath = tag ? `${path}.locales.${tag}` : `${path}.content`;
        const c = ((tag ? v['locales'][tag] : v['content']) ?? { type: 'html', html: '' }) as Json;
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
                  <Field label="Segment" path={`${path}.segment`} issues={issues} hint="Everyone: every visitor (an A/B test without a segment)">
                    {(id, invalid) => (
                      <select id={id} value={v['segment'] ?? ''} aria-invalid={invalid} onChange={(e) => setVariant(i, { segment: e.currentTarget.value })}>
                        <option value="">Choose a segment…</option>
                        {everyone ? <option value={everyone.id}>Everyone (every visitor)</option> : null}
                        {segments.map((s) => (
                          <option key={s['id']} value={s['id']}>
                            {s['name']}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <NumberField
                    label="Priority"
                    path={`${path}.priority`}
                    issues={issues}
                    hint="0–1000, higher wins"
                    value={num(v['priority'])}
                    onInput={(value) => setVariant(i, { priority: value })}
                  />
                  <Field label="Content type" path={`${cpath}.type`} issues={issues}>
                    {(id) => (
                      <select id={id} value={c['type']} onChange={(e) => putContent(i, blankContent(e.currentTarget.value))}>
                        {CONTENT_TYPES.map((t) => (
                          <option key={t} value={t}>
                            {contentTypeLabel(t)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                </div>
                <LocaleSwitcher
                  name={`Variant ${n}`}
                  tags={tags}
                  selected={tag}
                  onSelect={(t) => setEditing({ ...editing, [i]: t })}
                  // A new language starts as a copy of the default content, ready to translate.
                  onAdd={(t) => setVariant(i, { locales: withLocale(v['locales'], t, structuredClone(v['content'] ?? { type: 'html', html: '' })) })}
                  onRemove={(t) => setVariant(i, { locales: withLocale(v['locales'], t, undefined) })}
                />
                {c['type'] === 'html' ? (
                  <Field
                    label="HTML"
                    path={`${cpath}.html`}
                    issues={issues}
                    hint={`Limited HTML: headings, paragraphs, lists, links, images. Scripts, styles and event handlers are removed. ${hostsHint}`}
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
                  <Field label="Text" path={`${cpath}.text`} issues={issues}>
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
                    <Field label="Link text" path={`${cpath}.text`} issues={issues}>
                      {(id, invalid) => (
                        <input id={id} value={c['text'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { text: e.currentTarget.value })} />
                      )}
                    </Field>
                    <Field label="Link URL" path={`${cpath}.href`} issues={issues} hint={hostsHint}>
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
                    <Field label="Image URL" path={`${cpath}.src`} issues={issues} hint={hostsHint}>
                      {(id, invalid) => (
                        <input id={id} value={c['src'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { src: e.currentTarget.value })} />
                      )}
                    </Field>
                    <Field label="Alt text" path={`${cpath}.alt`} issues={issues}>
                      {(id, invalid) => (
                        <input id={id} value={c['alt'] ?? ''} aria-invalid={invalid} onInput={(e) => setContent(i, { alt: e.currentTarget.value })} />
                      )}
                    </Field>
                    <Field label="Link URL (optional)" path={`${cpath}.href`} issues={issues} hint={hostsHint}>
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
                <FieldErrors issues={issues.filter((x) => x.path === path || x.path === cpath || x.path === `${path}.locales`)} path={path} />
              </div>
              <div class="variant-preview">
                <p class="preview-label" id={`pv-${i}`}>
                  Preview{tag ? ` in ${tag}` : ''} (sanitized as the edge renders it)
                </p>
                <Preview
                  html={tag ? `<div lang="${tag}" dir="${isRtl(tag) ? 'rtl' : 'ltr'}">${previewHtml(c)}</div>` : previewHtml(c)}
                  title={`Preview of variant ${n}${tag ? ` in ${tag}` : ''}`}
                />
              </div>
            </div>
          </section>
        );
      })}
      <button type="button" class="btn" onClick={() => ed.update({ variants: [...variants, newVariant()] })}>
        Add a variant
      </button>
      <FieldErrors issues={issues.filter((x) => x.path === 'variants')} path="variants" />
    </form>
  );
}

/** A whole-number field: the typed text is kept as it is until the save types it (model.ts). */
function NumberField(p: { label: string; path: string; issues: Issue[]; hint: string; value: string; onInput: (value: string) => void }) {
  return (
    <Field label={p.label} path={p.path} issues={p.issues} hint={p.hint}>
      {(id, invalid) => (
        <input id={id} type="number" inputMode="numeric" value={p.value} aria-invalid={invalid} onInput={(e) => p.onInput(e.currentTarget.value)} />
      )}
    </Field>
  );
}
