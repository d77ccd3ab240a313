/**
 * May slots be personalized (and decisions cached) for this visitor? The core's rules
 * (snippet/src/consent.ts) plus personalization: an explicit choice needs both analytics and
 * personalization; without one, an opt-in site waits (nothing) and Global Privacy Control means
 * no. Read afresh each time: the visitor can decide while the page is open.
 */
export function personalize(choice: unknown, gpc: unknown, optIn: boolean): boolean {
  const c = choice as { analytics?: unknown; personalization?: unknown } | null | undefined;
  return c ? !!(c.analytics && c.personalization) : !optIn && !gpc;
}
