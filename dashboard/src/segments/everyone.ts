/**
 * "Everyone" in the editors: the segment whose condition is `{ everyone: true }` (every visitor),
 * for show-to-everyone content and A/B tests without a segment. A slot variant targets a segment,
 * so the slot editor offers Everyone always, and creates this segment on save when the site has none.
 */
import type { Json } from '../api';

export const EVERYONE_SEGMENT = { id: 'everyone', name: 'Everyone', description: 'Every visitor', condition: { everyone: true } } as const;

const isEveryone = (s: Json) => s['condition']?.['everyone'] === true && Object.keys(s['condition'] ?? {}).length === 1;

/**
 * The segment id "Everyone" stands for in `segments`: an existing everyone segment's id (any id),
 * else EVERYONE_SEGMENT's when that id is free (`create`: saving must add it first), else null (the
 * id is taken by another segment: the marketer uses or edits that one).
 */
export function everyoneChoice(segments: readonly Json[]): { id: string; create: boolean } | null {
  const existing = segments.find(isEveryone);
  if (existing) return { id: String(existing['id']), create: false };
  return segments.some((s) => s['id'] === EVERYONE_SEGMENT.id) ? null : { id: EVERYONE_SEGMENT.id, create: true };
}

/** The other segments, for the list under Everyone. */
export const otherSegments = (segments: readonly Json[]): Json[] => segments.filter((s) => !isEveryone(s));
