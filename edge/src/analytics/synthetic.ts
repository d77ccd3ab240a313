/**
 * Deterministic synthetic traffic (pure) for the funnel benchmark: each visitor has one session
 * walking a shop (home, category pages, products, cart, checkout, purchase) with drop-off at every
 * step, plus some browsing noise, so a funnel over it does real work at every step.
 */
import { seededRandom } from './random';

export type SynthSpec = {
  /** Visitors to generate in this call, numbered from `firstVisitor`. */
  visitors: number;
  firstVisitor: number;
  /** Average events per visitor (about; the walk decides). */
  eventsPerVisitor: number;
  /** Events are spread over [start, start + spanMs). */
  start: number;
  spanMs: number;
  seed: number;
};

export type SynthEvent = { id: string; name: string; path: string | null; ts: number };
export type SynthVisitor = { id: string; session: string; source: string; events: SynthEvent[] };

const CATEGORIES = ['/shop/running', '/shop/trail', '/shop/hiking', '/shop/sale'];
const SOURCES = ['google.com', 'newsletter', 'instagram.com', 'direct'];

/**
 * The visitors of `spec`, or only those `keep` accepts (each visitor is drawn from its own number,
 * so a shard can generate just its own share and get the same visitors as a full run).
 */
export function* synthesize(spec: SynthSpec, keep?: (id: string) => boolean): Generator<SynthVisitor> {
  for (let n = spec.firstVisitor; n < spec.firstVisitor + spec.visitors; n++) {
    const id = `syn-${n.toString(36).padStart(8, '0')}`;
    if (keep && !keep(id)) continue;
    const r = seededRandom(spec.seed * 1_000_003 + n);
    let ts = spec.start + Math.floor(r() * spec.spanMs);
    const events: SynthEvent[] = [];
    const push = (name: string, path: string | null) => {
      events.push({ id: `${id}-${events.length}`, name, path, ts });
      ts += 5_000 + Math.floor(r() * 120_000);
    };
    // Browse: home and some category / product pages, about eventsPerVisitor in total.
    const budget = Math.max(2, Math.round(spec.eventsPerVisitor * (0.5 + r())));
    push('page', '/');
    while (events.length < budget - 4) {
      const category = CATEGORIES[Math.floor(r() * CATEGORIES.length)]!;
      push('page', category);
      if (r() < 0.6) push('page', `/product/p${Math.floor(r() * 200)}`);
    }
    // The funnel: each step with its own chance of going on.
    if (r() < 0.5) {
      push('add_to_cart', null);
      if (r() < 0.6) {
        push('page', '/cart');
        if (r() < 0.5) {
          push('checkout_start', null);
          if (r() < 0.6) push('purchase', null);
        }
      }
    }
    yield { id, session: `${id}-s1`, source: SOURCES[n % SOURCES.length]!, events };
  }
}
