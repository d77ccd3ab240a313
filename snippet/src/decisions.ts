/**
 * `wm('on', 'decision', fn)`: handlers get the `decisions` of every collect response; one
 * registered after a response first gets the latest one (wm-ui.js loads after it, for example).
 */
import type { Decision } from '../../protocol/wire';

export type Handler = (d: Decision[]) => void;
export const handlers: Handler[] = [];
/** The latest decisions, for handlers registered after them (see index.ts, `wm('on', …)`). */
export let last: Decision[] | undefined;

export function dispatch(d: Decision[]): void {
  last = d;
  for (const f of handlers) {
    try {
      f(d);
    } catch {
      /* a site handler's bug must not stop ours */
    }
  }
}
