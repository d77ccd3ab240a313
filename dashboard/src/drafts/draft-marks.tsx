/**
 * "Changed in the draft" marks for item lists: main.tsx provides the loaded draft's changes, and
 * the shared list (ui/item-list.tsx) marks each item the draft added, changed or removed.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Draft } from '../api';

export const DraftChanges = createContext<Draft['changes']>([]);

/** The mark after an item's name in a list, or nothing when the draft leaves it alone. */
export function DraftMark({ collection, id }: { collection: string; id: string }) {
  const change = useContext(DraftChanges).find((c) => c.collection === collection && c.id === id);
  if (!change) return null;
  return (
    <span class={`pill change-${change.change} draft-mark`} title="Not live until the draft is published">
      {change.change === 'added' ? 'new in draft' : change.change === 'removed' ? 'removed in draft' : 'changed in draft'}
    </span>
  );
}
