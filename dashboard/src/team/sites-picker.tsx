/**
 * Which sites a user or invitation reaches: every site (null, the default; sites made later
 * included) or a chosen list. The API checks the list (protocol/team.ts sitesSchema); this shows
 * its refusals at `path`.
 */
import type { Issue, SiteSummary } from '../api';
import { FieldErrors } from '../ui';

type Props = {
  /** Names the group for assistive technology, e.g. "Sites for the invitation". */
  label: string;
  sites: readonly SiteSummary[];
  value: string[] | null;
  onChange: (value: string[] | null) => void;
  issues: Issue[];
  path: string;
};

export function SitesPicker({ label, sites, value, onChange, issues, path }: Props) {
  const every = value === null;
  // Ids no longer listed (a deleted site) stay visible so that saving does not drop them silently.
  const known = new Set(sites.map((s) => s.id));
  const choices = [...sites, ...(value ?? []).filter((id) => !known.has(id)).map((id) => ({ id, name: `${id} (not found)`, version: 0 }))];
  const toggle = (id: string, on: boolean) => {
    const next = (value ?? []).filter((s) => s !== id);
    onChange(on ? [...next, id] : next);
  };
  return (
    <fieldset class="sites-picker" aria-label={label}>
      <legend>Sites</legend>
      <label class="check">
        <input type="radio" name={label} checked={every} onChange={() => onChange(null)} /> Every site, including ones added later
      </label>
      <label class="check">
        <input type="radio" name={label} checked={!every} onChange={() => onChange(value ?? [])} /> Only these sites
      </label>
      {every ? null : (
        <div class="sites-picker-list">
          {choices.length === 0 ? <p class="muted small">No sites yet.</p> : null}
          {choices.map((s) => (
            <label class="check" key={s.id}>
              <input type="checkbox" checked={value?.includes(s.id) ?? false} onChange={(e) => toggle(s.id, e.currentTarget.checked)} /> {s.name}{' '}
              <code class="muted small">{s.id}</code>
            </label>
          ))}
        </div>
      )}
      <FieldErrors issues={issues} path={path} />
    </fieldset>
  );
}
