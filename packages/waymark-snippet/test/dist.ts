// Compiled by build.mjs against the BUILT declarations (dist/index.d.ts), as a site using the
// package would: they must stand alone (no import of protocol/ or zod) and agree with protocol/wire.ts.
import type { Decision as WireDecision, Props as WireProps } from '../../../protocol/wire';
import { load, wm, type Decision, type Props, type Wm } from '../dist/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const agree = <T extends true>(_: T) => _;
agree<Equal<Decision, WireDecision>>(true);
agree<Equal<Props, WireProps>>(true);

export async function use(): Promise<Wm> {
  wm('track', 'x', { a: 1 });
  wm('alias', 'user-42', 'anon-7');
  // @ts-expect-error: wrong command
  wm('nope');
  return load({ site: 'shop' });
}
