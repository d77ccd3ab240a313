// Type test of the wm() overloads (tsc only, in `npm run typecheck`): every command type-checks
// with its arguments, and each wrong call below must be an error (`@ts-expect-error` fails the
// check if it is not). Never run.
import type { ConsentState, Decision as WireDecision, PrefValue as WirePrefValue } from '../../../protocol/wire';
import { load, wm, type ConsentChoice, type Decision, type LoadOptions, type PrefValue, type Wm } from '../src/index';

/** True only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const agree = <T extends true>(_: T) => _;
agree<Equal<ConsentChoice, ConsentState>>(true);
agree<Equal<PrefValue, WirePrefValue>>(true);
agree<Equal<Decision, WireDecision>>(true);

export async function everyCommand(): Promise<void> {
  const w: Wm = await load({ site: 'shop', endpoint: 'https://shop.example', consent: 'opt-in', cmp: 'tcf', spa: 'hash' });
  w('page');
  wm('page', { section: 'shoes' });
  wm('track', 'add_to_cart', { sku: 'x', price: 129, tags: ['a'], nested: { ok: true, none: null } });
  wm('track', 'signup');
  wm('identify', 'user-42', { plan: 'gold' });
  wm('identify', 'user-42');
  wm('group', 'acme', { seats: 12 });
  wm('group', 'acme');
  wm('alias', 'user-42', 'anon-7');
  wm('alias', 'user-42');
  wm('prefs', { sport: 'trail', sizes: ['42', '43'], newsletter: true, budget: 100 });
  wm('consent', { analytics: true, personalization: false });
  wm('reset');
  wm('on', 'decision', (decisions) => {
    for (const d of decisions)
      if (d.kind === 'slot') d.html.toUpperCase();
      else d.trigger.on.toUpperCase();
  });
  const options: LoadOptions = { site: 'shop', cmp: 'onetrust', cmpGroups: 'C0002,C0003' };
  void options;
}

export function wrongCalls(): void {
  // @ts-expect-error: not a command
  wm('tarck', 'x');
  // @ts-expect-error: track needs an event name
  wm('track');
  // @ts-expect-error: the event name is a string
  wm('track', 42);
  // @ts-expect-error: props are JSON values (no functions)
  wm('track', 'x', { f: () => 1 });
  // @ts-expect-error: identify needs a user id
  wm('identify');
  // @ts-expect-error: group needs a group id
  wm('group', { id: 'acme' });
  // @ts-expect-error: alias's previous id is a string
  wm('alias', 'user-42', 7);
  // @ts-expect-error: a pref value is a string, number, boolean or string list
  wm('prefs', { sport: { nested: true } });
  // @ts-expect-error: consent needs both purposes
  wm('consent', { analytics: true });
  // @ts-expect-error: consent values are booleans
  wm('consent', { analytics: 'yes', personalization: 'no' });
  // @ts-expect-error: reset takes nothing
  wm('reset', 'now');
  // @ts-expect-error: only 'decision' can be listened to
  wm('on', 'click', () => {});
  // @ts-expect-error: a decision handler gets decisions
  wm('on', 'decision', (d: string) => d);
  // @ts-expect-error: load needs a site
  void load({});
  // @ts-expect-error: not a consent platform
  void load({ site: 'shop', cmp: 'quantcast' });
  // @ts-expect-error: the only policy to state is opt-in
  void load({ site: 'shop', consent: 'opt-out' });
}
