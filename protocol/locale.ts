/**
 * Locales of localized content (docs/localized-content.md): tag normalization, Accept-Language,
 * picking a content locale for a request, and text direction. Pure and zod-free: wm-ui.js bundles
 * `pickLocale` and `isRtl`, so keep them tiny.
 *
 * Tags are BCP 47, kept as lower-case language[-script][-region] ("fr", "fr-ca", "zh-hant-tw").
 */

/** A normalized tag as stored in configs: lower-case language, optional script, optional region. */
export const LOCALE_TAG = /^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?$/;

/**
 * A survey's thank-you when its message sets none (`thanks`, per locale too): shown by wm-ui.js
 * (snippet/src/ui/messages-ui.ts) and as the dashboard's hint.
 */
export const DEFAULT_THANKS = 'Thanks for your answer!';

/** At most this many locales per slot variant or message (each is a full copy of the text). */
export const MAX_LOCALES = 20;

/**
 * "fr_CA", "FR-ca", "en-US-u-ca-gregory" → "fr-ca", "fr-ca", "en-us"; null when it is not a tag
 * (empty, "*", garbage). Extensions and variants are dropped: content is chosen by language,
 * script and region only.
 */
export function normalizeLocale(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const parts = tag.trim().toLowerCase().replace(/_/g, '-').split('-');
  const language = parts[0] ?? '';
  if (!/^[a-z]{2,3}$/.test(language)) return null;
  let i = 1;
  let out = language;
  if (parts[i] && /^[a-z]{4}$/.test(parts[i]!)) out += '-' + parts[i++];
  if (parts[i] && /^([a-z]{2}|\d{3})$/.test(parts[i]!)) out += '-' + parts[i];
  return out;
}

/**
 * Accept-Language → normalized tags, most wanted first (q descending, header order on ties);
 * q=0 and "*" are left out, and at most `max` tags are kept (a header is outside input).
 */
export function parseAcceptLanguage(header: string | null | undefined, max = 10): string[] {
  if (!header) return [];
  const ranked: { tag: string; q: number; at: number }[] = [];
  header
    .slice(0, 1_000)
    .split(',')
    .forEach((part, at) => {
      const [range, ...params] = part.split(';');
      const tag = normalizeLocale(range);
      if (!tag) return;
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      if (!(q > 0) || q > 1) return;
      ranked.push({ tag, q, at });
    });
  const seen = new Set<string>();
  return ranked
    .sort((a, b) => b.q - a.q || a.at - b.at)
    .map((r) => r.tag)
    .filter((tag) => !seen.has(tag) && seen.add(tag))
    .slice(0, max);
}

/**
 * The first candidate the content has a text for: each candidate by its exact tag, then by its
 * language alone ("fr-ca" → "fr"; "zh-hant-tw" → "zh-hant" → "zh"). Candidates are in the
 * request's order of preference (page lang, Accept-Language or navigator.language, the `locale`
 * trait); undefined = the default text.
 */
export function pickLocale(candidates: readonly (string | null | undefined)[], available: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    // Lower case is enough: cutting subtags from the end also drops extensions ("en-us-u-ca-x" → "en-us").
    let tag = candidate && candidate.toLowerCase().replace(/_/g, '-');
    while (tag) {
      if (available.includes(tag)) return tag;
      const cut = tag.lastIndexOf('-');
      tag = cut > 0 ? tag.slice(0, cut) : null;
    }
  }
  return undefined;
}

/** Languages written right to left (and scripts, which win over the language: "az-arab", "ku-arab"). */
const RTL = /^(ar|arc|ckb|dv|fa|he|iw|ps|sd|syr|ug|ur|yi)(-|$)|-(arab|hebr|thaa|syrc|nkoo|adlm|rohg)(-|$)/;
const LTR_SCRIPT = /-(latn|cyrl)(-|$)/;

/** True for a tag whose text runs right to left ("ar", "he-il", "fa", "ur-pk", "az-arab"). */
export function isRtl(tag: string | null | undefined): boolean {
  return !!tag && RTL.test(tag) && !LTR_SCRIPT.test(tag);
}

/** Whether a request's locale (normalized) is one of `tags`, by language prefix: "fr-ca" is in ["fr"]; "de" is not in ["de-ch"]. */
export function localeIn(locale: string | null | undefined, tags: readonly string[]): boolean {
  if (!locale) return false;
  return tags.some((t) => {
    const tag = normalizeLocale(t);
    return !!tag && (locale === tag || locale.startsWith(tag + '-'));
  });
}
