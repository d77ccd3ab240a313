/** A readable config diff (protocol/version-diff.ts): per item added, removed or changed, field by field. */
import type { ConfigDiff, FieldChange } from '../api';
import { hrefOf, type Tab } from '../routing';

const NOUNS: Record<string, string> = { segments: 'Segment', slots: 'Slot', messages: 'Message', journeys: 'Journey', webhooks: 'Webhook' };
const VERBS = { added: 'Added', removed: 'Removed', changed: 'Changed' } as const;

function Fields({ fields }: { fields: FieldChange[] }) {
  return (
    <table class="table compact diff-fields">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.path}>
            <th scope="row">{f.label}</th>
            <td class="diff-before">{f.before ?? '—'}</td>
            <td class="diff-after">{f.after ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `siteId` links each item that still exists to its editor. */
export function DiffView({ diff, siteId, exists }: { diff: ConfigDiff; siteId: string; exists?: (collection: string, id: string) => boolean }) {
  if (!diff.items.length && !diff.settings.length) return <p class="muted">No change.</p>;
  return (
    <div class="diff">
      {diff.items.map((item) => {
        const linked = item.change !== 'removed' && (exists?.(item.collection, item.id) ?? true);
        const title = `${VERBS[item.change]} ${NOUNS[item.collection]?.toLowerCase() ?? item.collection} “${item.name}”`;
        return (
          <section key={`${item.collection}/${item.id}`} class={`diff-item diff-${item.change}`} aria-label={title}>
            <h4>
              <span class={`pill change-${item.change}`}>{item.change}</span>{' '}
              {linked ? <a href={hrefOf(siteId, item.collection as Tab, item.id)}>{title}</a> : title} <span class="muted">({item.id})</span>
            </h4>
            <Fields fields={item.fields} />
          </section>
        );
      })}
      {diff.settings.length ? (
        <section class="diff-item diff-changed" aria-label="Changed settings">
          <h4>
            <span class="pill change-changed">changed</span> <a href={hrefOf(siteId, 'settings')}>Settings</a>
          </h4>
          <Fields fields={diff.settings} />
        </section>
      ) : null}
    </div>
  );
}
