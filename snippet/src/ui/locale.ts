/**
 * Localized decisions in the browser (docs/localized-content.md): a decision made before the page's
 * lang was known (a collect response, a cached one, proxy mode's messages) carries every locale's
 * text, and the page's lang, then navigator.language, pick among them; none keeps the edge's
 * choice (Accept-Language, the locale trait, or the default). Pure but for `langs`: tested in Node
 * (locale.test.ts). Anything malformed is left as it came, for the validators to judge.
 */
import type { MessageDecision } from '../../../protocol/wire';
import { isRtl, pickLocale } from '../../../protocol/locale';

type Langs = readonly (string | null | undefined)[];

/** The page's lang, then the browser's language. */
export const langs = (): Langs => [document.documentElement.lang, navigator.language];

/** [tag, text] of the locale `langs` pick among `d.locales`, if any. */
function pick(d: unknown, l: Langs): [string, unknown] | undefined {
  const all = d && (d as { locales?: unknown }).locales;
  const tag = all && typeof all == 'object' ? pickLocale(l, Object.keys(all)) : undefined;
  return tag ? [tag, (all as Record<string, unknown>)[tag]] : undefined;
}

const attrs = (tag: string) => ({ lang: tag, dir: isRtl(tag) ? ('rtl' as const) : ('ltr' as const) });

export function localSlot<D>(d: D, l: Langs): D {
  const p = pick(d, l);
  return p && typeof p[1] == 'string' ? { ...d, html: p[1], ...attrs(p[0]) } : d;
}

export function localMessage<D>(d: D, l: Langs): D {
  const p = pick(d, l);
  const t = p && (p[1] as Partial<MessageDecision> & { options?: unknown[]; thanks?: string });
  if (!t || typeof t != 'object') return d;
  const m = { ...d, ...attrs(p[0]), body: t.body, title: t.title, cta: t.cta } as unknown as MessageDecision;
  if (t.title == null) delete m.title;
  if (t.cta == null) delete m.cta;
  const s = m.survey;
  const o = t.options;
  if (s && Array.isArray(s.options) && Array.isArray(o))
    m.survey = { pref: s.pref, options: s.options.map((x, i) => ({ value: x && x.value, label: o[i] as string })), thanks: t.thanks };
  return m as D;
}
