/**
 * Per-locale text in the slot and message editors (docs/localized-content.md): a switcher between
 * the default text and each locale, with add and remove.
 */
import { useState } from 'preact/hooks';
import { isRtl, normalizeLocale } from '../../protocol/locale';
import type { Json } from './api';

type SwitcherProps = {
  /** What the switcher is for, e.g. "Variant 1" (its buttons' accessible names say it). */
  name: string;
  tags: string[];
  /** '' = the default text. */
  selected: string;
  onSelect: (tag: string) => void;
  onAdd: (tag: string) => void;
  onRemove: (tag: string) => void;
};

export function LocaleSwitcher({ name, tags, selected, onSelect, onAdd, onRemove }: SwitcherProps) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const add = () => {
    const tag = normalizeLocale(draft);
    if (!tag) return setError('Type a language tag, like fr, fr-ca, de-ch or ar.');
    if (!tags.includes(tag)) onAdd(tag);
    onSelect(tag);
    setDraft('');
    setError('');
  };
  return (
    <div class="locale-switcher" role="group" aria-label={`${name}: languages`}>
      <div class="locale-tabs">
        <button type="button" class={`chip${selected === '' ? ' on' : ''}`} aria-pressed={selected === ''} onClick={() => onSelect('')}>
          Default
        </button>
        {tags.map((tag) => (
          <button type="button" key={tag} class={`chip${selected === tag ? ' on' : ''}`} aria-pressed={selected === tag} onClick={() => onSelect(tag)}>
            {tag}
            {isRtl(tag) ? ' · RTL' : ''}
          </button>
        ))}
      </div>
      <div class="locale-add">
        <input
          aria-label={`${name}: add a language`}
          placeholder="fr"
          size={7}
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" class="btn ghost small" onClick={add}>
          Add language
        </button>
        {selected ? (
          <button
            type="button"
            class="btn ghost small"
            onClick={() => {
              onRemove(selected);
              onSelect('');
            }}
          >
            Remove {selected}
          </button>
        ) : null}
      </div>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="hint">
        {selected
          ? `Visitors whose page or browser language is ${selected} (or a regional form of it) see this text${isRtl(selected) ? ', right to left' : ''}; empty fields fall back to the default.`
          : 'The default text: shown when no language below matches the page’s lang, the browser’s language or the visitor’s locale trait.'}
      </p>
    </div>
  );
}

/** `locales` with `tag` set to `value` (or removed when value is undefined); undefined when none is left. */
export function withLocale(locales: Json | undefined, tag: string, value: Json | undefined): Json | undefined {
  const next: Json = { ...(locales ?? {}) };
  if (value === undefined) delete next[tag];
  else next[tag] = value;
  return Object.keys(next).length ? next : undefined;
}
