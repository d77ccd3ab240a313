/** The message editor, with a live preview of the draft inside the site's real page. */
import { issuesAt, type Json } from '../api';
import { localIssues, useEditor } from '../editing';
import { go } from '../routing';
import type { EditorProps } from '../site-state';
import { EditorTop, NameIdFields } from '../editor-parts';
import { contentHostsHint } from '../content-hosts';
import { useEffect, useState } from 'preact/hooks';
import { NotFound, Field, FieldErrors, num } from '../ui';
import { draftDecision, PagePreview } from '../page-preview';
import { blankMessage, messageDraft, TRIGGERS, TYPES } from './model';
import { PagePicker } from '../visual-editor/index';
import { LocaleSwitcher, withLocale } from '../locales';
import { localeOfIssue, localizedPreview, patchLocaleText, previewTags, thanksFallback, variantFallback } from './localized';

export function MessageEditor(props: EditorProps) {
  const [previewVariant, setPreviewVariant] = useState(0);
  // The visual editor's "Pick on page" for an inline message's target (visual-editor/index.tsx).
  const [picking, setPicking] = useState(false);
  /** The language the content fields edit ('' = the default text); the preview shows it too. */
  const [editing, setEditing] = useState('');
  /** The language each A/B variant's switcher edits ('' = its default overrides), by variant index. */
  const [variantEditing, setVariantEditing] = useState<Record<number, string>>({});
  /** The language the live preview shows: the one last picked in any switcher. */
  const [previewTag, setPreviewTag] = useState('');
  const ed = useEditor('messages', props, blankMessage);
  // A refused field inside a language shows that language, so the error is seen at its field.
  useEffect(() => {
    const at = localeOfIssue(ed.issues.map((i) => i.path));
    if (!at) return;
    if (at.variant === undefined) setEditing(at.tag);
    else setVariantEditing((all) => ({ ...all, [at.variant!]: at.tag }));
  }, [ed.issues]);
  const siteId = props.site.config.id;
  if (!ed.item) return <NotFound kind="message" id={props.id} siteId={siteId} tab="messages" />;
  const m = ed.item;
  const issues = ed.issues;
  const trigger = (m['trigger'] ?? { on: 'load' }) as Json;
  const caps = (m['caps'] ?? {}) as Json;
  const variants = (m['variants'] ?? [{ id: 'default', weight: 100 }]) as Json[];
  const survey = (m['survey'] ?? { pref: '', options: [] }) as Json;
  const options = (survey['options'] ?? []) as Json[];
  const segs = (m['segments'] ?? []) as string[];
  const goal = (m['goal'] ?? { event: '', withinHours: '' }) as Json;
  const setVariant = (i: number, patch: Json) => ed.update({ variants: variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  const setOption = (i: number, patch: Json) => ed.update({ survey: { ...survey, options: options.map((o, j) => (j === i ? { ...o, ...patch } : o)) } });
  const locales = (m['locales'] ?? {}) as Json;
  const tag = locales[editing] ? editing : '';
  const text = (tag ? locales[tag] : {}) as Json;
  /** The selected language's text with `patch`; an emptied field is left out (it falls back to the default). */
  const setText = (patch: Json) => ed.update({ locales: withLocale(m['locales'], tag, patchLocaleText(text, patch)) });
  /** Variant i's text in its selected language, with `patch` (an emptied field falls back). */
  const setVariantText = (i: number, vtag: string, patch: Json) =>
    setVariant(i, { locales: withLocale(variants[i]!['locales'], vtag, patchLocaleText(variants[i]!['locales']?.[vtag], patch)) });
  const selectContent = (t: string) => (setEditing(t), setPreviewTag(t));
  const selectVariant = (i: number, t: string) => (setVariantEditing((all) => ({ ...all, [i]: t })), setPreviewVariant(i), setPreviewTag(t));
  const shownVariant = Math.min(previewVariant, variants.length - 1);
  /** The preview's language, when this message with the shown variant has a text in it (else the default, as on the edge). */
  const shownTag = previewTags(m, variants[shownVariant]).includes(previewTag) ? previewTag : '';
  const fallback = (value: unknown) => (value ? `Empty: falls back to the default, “${String(value)}”` : 'Empty: falls back to the default');

  const submit = async (e: Event) => {
    e.preventDefault();
    const { id, body, issues: local } = messageDraft(m, { isNew: ed.isNew, existing: props.site.config.messages });
    const ok = await ed.save(id, body, localIssues(local));
    if (ok && ed.isNew) go(siteId, 'messages', id);
  };

  const typed = (
    label: string,
    path: string,
    value: unknown,
    onInput: (v: string) => void,
    opts: { rows?: number; hint?: string; placeholder?: string } = {},
  ) => (
    <Field label={label} path={path} issues={issues} {...(opts.hint ? { hint: opts.hint } : {})}>
      {(id, invalid) =>
        opts.rows ? (
          <textarea id={id} rows={opts.rows} aria-invalid={invalid} value={String(value ?? '')} onInput={(e) => onInput(e.currentTarget.value)} />
        ) : (
          <input id={id} aria-invalid={invalid} placeholder={opts.placeholder} value={String(value ?? '')} onInput={(e) => onInput(e.currentTarget.value)} />
        )
      }
    </Field>
  );

  return (
    <form onSubmit={submit} noValidate class="editor">
      <EditorTop ed={ed} kind="message" siteId={siteId} tab="messages" newSub="Who sees what, when." />
      <div class="split preview-wide">
        <div>
          <section class="card">
            <div class="grid-3">
              <NameIdFields ed={ed} />
              <Field label="Type" path="type" issues={issues}>
                {(id) => (
                  <select id={id} value={m['type']} onChange={(e) => ed.update({ type: e.currentTarget.value })}>
                    {TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            {m['type'] === 'inline'
              ? typed('Place it in (CSS selector)', 'target', m['target'], (target) => ed.update({ target }), {
                  placeholder: '#promo',
                  hint: 'An element in <body>; never script, style, textarea, title, iframe, svg or anything in <head>.',
                })
              : null}
            {m['type'] === 'inline' && !picking ? (
              <button type="button" class="btn small" onClick={() => setPicking(true)}>
                Pick on page
              </button>
            ) : null}
            {m['type'] === 'inline' && picking ? (
              <PagePicker config={props.site.config} onPick={(target) => (ed.update({ target }), setPicking(false))} onClose={() => setPicking(false)} />
            ) : null}
          </section>
          <section class="card">
            <h2>Audience and trigger</h2>
            <fieldset class="checks">
              <legend>Show to</legend>
              <label class="check">
                <input type="checkbox" checked={segs.length === 0} disabled={segs.length === 0} onChange={() => ed.update({ segments: [] })} />
                <strong>Everyone</strong> (every visitor; checking a segment below limits it to that segment)
              </label>
              {props.site.config.segments.map((s) => (
                <label key={s['id']} class="check">
                  <input
                    type="checkbox"
                    checked={segs.includes(s['id'])}
                    onChange={(e) => ed.update({ segments: e.currentTarget.checked ? [...segs, s['id']] : segs.filter((x) => x !== s['id']) })}
                  />
                  {s['name']}
                </label>
              ))}
              <FieldErrors issues={issues} path="segments" />
            </fieldset>
            <div class="grid-3">
              <Field label="Trigger" path="trigger.on" issues={issues}>
                {(id) => (
                  <select id={id} value={trigger['on']} onChange={(e) => ed.update({ trigger: { on: e.currentTarget.value } })}>
                    {Object.entries(TRIGGERS).map(([k, label]) => (
                      <option key={k} value={k}>
                        {label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {trigger['on'] === 'time'
                ? typed('Seconds', 'trigger.seconds', num(trigger['seconds']), (v) => ed.update({ trigger: { ...trigger, seconds: v } }))
                : null}
              {trigger['on'] === 'scroll'
                ? typed('Percent scrolled', 'trigger.percent', num(trigger['percent']), (v) => ed.update({ trigger: { ...trigger, percent: v } }))
                : null}
              {trigger['on'] === 'event'
                ? typed('Event name', 'trigger.name', trigger['name'], (v) => ed.update({ trigger: { ...trigger, name: v } }), { placeholder: 'add_to_cart' })
                : null}
              {typed('Priority', 'priority', num(m['priority']), (v) => ed.update({ priority: v }), { hint: '0–1000, higher wins' })}
            </div>
          </section>
          <section class="card">
            <h2>Content</h2>
            <LocaleSwitcher
              name="Content"
              tags={Object.keys(locales)}
              selected={tag}
              onSelect={selectContent}
              onAdd={(t) => ed.update({ locales: withLocale(m['locales'], t, {}) })}
              onRemove={(t) => ed.update({ locales: withLocale(m['locales'], t, undefined) })}
            />
            {tag ? (
              <>
                {typed(`Title (${tag})`, `locales.${tag}.title`, text['title'], (title) => setText({ title }), { hint: fallback(m['title']) })}
                {typed(`Body (${tag})`, `locales.${tag}.body`, text['body'], (body) => setText({ body }), { rows: 3, hint: fallback(m['body']) })}
                <div class="grid-2">
                  {typed(
                    `Button text (${tag})`,
                    `locales.${tag}.cta.text`,
                    text['cta']?.['text'],
                    (t) => setText({ cta: t ? { ...(text['cta'] ?? {}), text: t } : undefined }),
                    { hint: fallback(m['cta']?.['text']) },
                  )}
                  {typed(
                    `Button link (${tag})`,
                    `locales.${tag}.cta.href`,
                    text['cta']?.['href'],
                    (href) => setText({ cta: { ...(text['cta'] ?? {}), href } }),
                    { hint: `${fallback(m['cta']?.['href'])}. ${contentHostsHint(props.site.config)}` },
                  )}
                </div>
                {m['type'] === 'survey'
                  ? options.map((o, i) =>
                      typed(
                        `Option ${i + 1} label (${tag})`,
                        `locales.${tag}.options.${o['value']}`,
                        text['options']?.[o['value']],
                        (label) => {
                          const labels: Json = { ...(text['options'] ?? {}), [o['value']]: label };
                          if (!label) delete labels[o['value']];
                          setText({ options: Object.keys(labels).length ? labels : undefined });
                        },
                        { hint: fallback(o['label']) },
                      ),
                    )
                  : null}
                {m['type'] === 'survey'
                  ? typed(`Thank-you (${tag})`, `locales.${tag}.thanks`, text['thanks'], (thanks) => setText({ thanks }), {
                      rows: 2,
                      hint: thanksFallback(m, tag),
                    })
                  : null}
                <FieldErrors issues={issues.filter((x) => x.path === `locales.${tag}` || x.path === 'locales')} path={`locales.${tag}`} />
              </>
            ) : (
              <>
                {typed('Title', 'title', m['title'], (title) => ed.update({ title }))}
                {typed('Body', 'body', m['body'], (body) => ed.update({ body }), { rows: 3 })}
                <div class="grid-2">
                  {typed('Button text', 'cta.text', m['cta']?.['text'], (text) => ed.update({ cta: { ...(m['cta'] ?? {}), text } }))}
                  {typed('Button link', 'cta.href', m['cta']?.['href'], (href) => ed.update({ cta: { ...(m['cta'] ?? {}), href } }), {
                    placeholder: '/cart',
                    hint: contentHostsHint(props.site.config),
                  })}
                </div>
              </>
            )}
            {m['type'] === 'survey' && !tag ? (
              <fieldset class="sub-form">
                <legend>Survey</legend>
                {typed('Store the answer in preference', 'survey.pref', survey['pref'], (pref) => ed.update({ survey: { ...survey, pref } }), {
                  placeholder: 'sport',
                })}
                {options.map((o, i) => (
                  <div class="grid-opt" key={i}>
                    {typed(`Option ${i + 1} value`, `survey.options.${i}.value`, o['value'], (value) => setOption(i, { value }))}
                    {typed(`Option ${i + 1} label`, `survey.options.${i}.label`, o['label'], (label) => setOption(i, { label }))}
                    <button
                      type="button"
                      class="btn ghost small"
                      aria-label={`Remove option ${i + 1}`}
                      onClick={() => ed.update({ survey: { ...survey, options: options.filter((_, j) => j !== i) } })}
                    >
                      Remove
                    </button>
                  </div>
                ))}
                <button type="button" class="btn small" onClick={() => ed.update({ survey: { ...survey, options: [...options, { value: '', label: '' }] } })}>
                  Add an option
                </button>
                {typed('Thank-you text', 'thanks', m['thanks'], (thanks) => ed.update({ thanks }), { rows: 2, hint: thanksFallback(m, '') })}
                <FieldErrors issues={issues.filter((x) => x.path === 'survey' || x.path === 'survey.options')} path="survey" />
              </fieldset>
            ) : null}
          </section>
          <section class="card">
            <h2>Caps, holdout and variants</h2>
            <div class="grid-4">
              {typed('Per 24 h', 'caps.perDay', num(caps['perDay']), (v) => ed.update({ caps: { ...caps, perDay: v } }))}
              {typed('Lifetime', 'caps.lifetime', num(caps['lifetime']), (v) => ed.update({ caps: { ...caps, lifetime: v } }))}
              {typed('Cooldown (min)', 'caps.cooldownMinutes', num(caps['cooldownMinutes']), (v) => ed.update({ caps: { ...caps, cooldownMinutes: v } }))}
              {typed('Holdout %', 'holdout', num(m['holdout']), (v) => ed.update({ holdout: v }), { hint: '0–50, shown nothing' })}
            </div>
            {variants.map((v, i) => {
              const vLocales = (v['locales'] ?? {}) as Json;
              const vtag = vLocales[variantEditing[i] ?? ''] ? variantEditing[i]! : '';
              const vtext = (vtag ? vLocales[vtag] : {}) as Json;
              const at = `variants.${i}.locales.${vtag}`;
              return (
                <div class="variant-text" key={i} role="group" aria-label={`Variant ${i + 1}`}>
                  <div class="grid-opt">
                    {typed(`Variant ${i + 1} id`, `variants.${i}.id`, v['id'], (id) => setVariant(i, { id }))}
                    {typed('Weight %', `variants.${i}.weight`, num(v['weight']), (weight) => setVariant(i, { weight }))}
                    {typed('Title override', `variants.${i}.title`, v['title'], (title) => setVariant(i, { title }))}
                    {variants.length > 1 ? (
                      <button
                        type="button"
                        class="btn ghost small"
                        aria-label={`Remove variant ${i + 1}`}
                        onClick={() => {
                          ed.update({ variants: variants.filter((_, j) => j !== i) });
                          setVariantEditing({});
                        }}
                      >
                        Remove
                      </button>
                    ) : null}
                  </div>
                  {/* This variant's own text per language; the preview shows it in the picked language. */}
                  <LocaleSwitcher
                    name={`Variant ${i + 1}`}
                    tags={Object.keys(vLocales)}
                    selected={vtag}
                    onSelect={(t) => selectVariant(i, t)}
                    onAdd={(t) => setVariant(i, { locales: withLocale(v['locales'], t, {}) })}
                    onRemove={(t) => setVariant(i, { locales: withLocale(v['locales'], t, undefined) })}
                  />
                  {vtag ? (
                    <div class="sub-form">
                      <div class="grid-2">
                        {typed(`Variant ${i + 1} title (${vtag})`, `${at}.title`, vtext['title'], (title) => setVariantText(i, vtag, { title }), {
                          hint: variantFallback(m, v, vtag, 'title'),
                        })}
                        {typed(
                          `Variant ${i + 1} button text (${vtag})`,
                          `${at}.cta.text`,
                          vtext['cta']?.['text'],
                          (t) => setVariantText(i, vtag, { cta: { ...(vtext['cta'] ?? {}), text: t } }),
                          { hint: variantFallback(m, v, vtag, 'cta.text') },
                        )}
                      </div>
                      {typed(`Variant ${i + 1} body (${vtag})`, `${at}.body`, vtext['body'], (body) => setVariantText(i, vtag, { body }), {
                        rows: 2,
                        hint: variantFallback(m, v, vtag, 'body'),
                      })}
                      {typed(
                        `Variant ${i + 1} button link (${vtag})`,
                        `${at}.cta.href`,
                        vtext['cta']?.['href'],
                        (href) => setVariantText(i, vtag, { cta: { ...(vtext['cta'] ?? {}), href } }),
                        { hint: `${variantFallback(m, v, vtag, 'cta.href')}. ${contentHostsHint(props.site.config)}` },
                      )}
                      <FieldErrors issues={issues.filter((x) => x.path === at || x.path === `variants.${i}.locales`)} path={at} />
                    </div>
                  ) : (
                    <FieldErrors issues={issues.filter((x) => x.path === `variants.${i}.locales`)} path={`variants.${i}.locales`} />
                  )}
                </div>
              );
            })}
            {variants.length < 5 ? (
              <button type="button" class="btn small" onClick={() => ed.update({ variants: [...variants, { id: `v${variants.length + 1}`, weight: 0 }] })}>
                Add a variant
              </button>
            ) : null}
            <FieldErrors issues={issues.filter((x) => x.path === 'variants')} path="variants" />
            {/* Spacing through the CSSOM (the CSP allows it, not style attributes in markup). */}
            <div class="grid-2" style={{ marginTop: 'var(--s4)' }}>
              {typed('Conversion goal event', 'goal.event', goal['event'], (event) => ed.update({ goal: { ...goal, event } }), {
                placeholder: 'purchase',
                hint: 'What counts as a conversion in reports (and for the bandit); empty = no goal',
              })}
              {typed('Goal within (hours)', 'goal.withinHours', num(goal['withinHours']), (withinHours) => ed.update({ goal: { ...goal, withinHours } }), {
                placeholder: '24',
                hint: 'After the first exposure; 1–720, empty = 24',
              })}
            </div>
            <div class={`field${issuesAt(issues, 'bandit').length ? ' invalid' : ''}`}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={!!m['bandit']}
                  // Stays enabled while on, so it can be turned off after removing variants.
                  disabled={variants.length < 2 && !m['bandit']}
                  aria-invalid={issuesAt(issues, 'bandit').length > 0}
                  aria-describedby="bandit-hint"
                  onChange={(e) => ed.update({ bandit: e.currentTarget.checked })}
                />
                Let a bandit shift traffic to the best variant (Thompson sampling, per segment; the holdout is kept)
              </label>
              <p class="hint" id="bandit-hint">
                {variants.length < 2
                  ? 'Add a second variant to let a bandit choose between them.'
                  : 'The weights above are the starting point; as the goal’s conversions come in, each variant gets its probability of being best (at least 1%), per segment. Needs a conversion goal. The Messages report shows the current split.'}
              </p>
              <FieldErrors issues={issues} path="bandit" />
            </div>
          </section>
        </div>
        <aside class="preview-col" aria-label="Live preview">
          <div class="section-head">
            <p class="preview-label">Live preview on your site</p>
            {variants.length > 1 ? (
              <label class="inline-select">
                <span class="muted small">Variant</span>
                <select value={String(shownVariant)} onChange={(e) => setPreviewVariant(Number(e.currentTarget.value))}>
                  {variants.map((v, i) => (
                    <option key={i} value={String(i)}>
                      {v['id'] || `Variant ${i + 1}`}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
          {shownTag ? <p class="muted small">Showing the {shownTag} text.</p> : null}
          <PagePreview draft={localizedPreview(draftDecision(m, variants[shownVariant]), m, variants[shownVariant], previewTag)} />
        </aside>
      </div>
    </form>
  );
}
