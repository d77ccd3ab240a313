/** `wm('on', 'decision', fn)`: handlers get the `decisions` of every collect response. */
import type { Decision } from '../../protocol/wire';

const handlers: ((d: Decision[]) => void)[] = [];

/** Not checked for being a function: calling a non-function just throws into the catch below. */
export const onDecision = (f: unknown): unknown => handlers.push(f as (d: Decision[]) => void);

export function dispatch(d: Decision[]): void {
  for (const f of handlers) {
    try {
      f(d);
    } catch {
      /* a site handler's bug must not stop ours */
    }
  }
}
