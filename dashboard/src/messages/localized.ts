/**
 * The message editor's per-locale text (docs/localized-content.md): what an empty field of an A/B
 * variant's locale falls back to, and the live preview of a variant in a locale, both picked the
 * way the edge picks them (edge/src/personalize/localize.ts messageText): field by field, the
 * variant's text in the locale, the message's text in the locale, the variant's default, the
 * message's default. Pure.
 */
import type { Json } from '../api';
import { DEFAULT_THANKS, isRtl } from '../../../protocol/locale';

/** A text field of a message or variant ('cta.text': the button's text; 'thanks': the message's only). */
export type TextField = 'title' | 'body' | 'cta.text' | 'cta.href' | 'thanks';

/** The field's non-empty text in `text`, if any. */
function textOf(text: Json | undefined, field: TextField): string | undefined {
  const value = field.startsWith('cta.') ? text?.['cta']?.[field.slice(4)] : text?.[field];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/** The hint under a variant's field in locale `tag`: what a visitor sees while it is empty. */
export function variantFallback(message: Json, variant: Json, tag: string, field: TextField): string {
  const steps: [where: string, text: Json | undefined][] = [
    [`the message’s ${tag} text`, message['locales']?.[tag]],
    ['this variant’s default', variant],
    ['the message’s default', message],
  ];
  for (const [where, text] of steps) {
    const value = textOf(text, field);
    if (value !== undefined) return `Empty: falls back to ${where}, “${value}”`;
  }
  return field === 'title' ? 'Empty: no title' : 'Empty: nothing to fall back to';
}

/** The tags the edge may pick for this message shown with this variant (the message's and the variant's). */
export function previewTags(message: Json, variant: Json | undefined): string[] {
  return [...new Set([...Object.keys(message['locales'] ?? {}), ...Object.keys(variant?.['locales'] ?? {})])];
}

/**
 * The preview decision (page-preview.tsx draftDecision's) of `variant` in `tag` ('' = the default
 * text): title, body and button field by field as above, survey labels and the thank-you from the
 * message's text in the locale, with lang and dir. A tag neither has shows the default, as on the edge.
 */
export function localizedPreview(draft: Json, message: Json, variant: Json | undefined, tag: string): Json {
  const locale = tag && previewTags(message, variant).includes(tag) ? tag : '';
  const mine = locale ? (variant?.['locales']?.[locale] as Json | undefined) : undefined;
  const theirs = locale ? (message['locales']?.[locale] as Json | undefined) : undefined;
  const pick = (field: TextField) => textOf(mine, field) ?? textOf(theirs, field) ?? textOf(variant, field) ?? textOf(message, field);
  const out: Json = { ...draft };
  const title = pick('title');
  if (title) out['title'] = title;
  else delete out['title'];
  out['body'] = pick('body') ?? '';
  const ctaText = pick('cta.text');
  const href = pick('cta.href');
  if (ctaText && href) out['cta'] = { text: ctaText, href };
  else delete out['cta'];
  if (out['survey']) {
    const labels = (theirs?.['options'] ?? {}) as Json;
    const thanks = textOf(theirs, 'thanks') ?? textOf(message, 'thanks');
    out['survey'] = {
      ...out['survey'],
      options: (out['survey']['options'] as Json[]).map((o) => ({ ...o, label: labels[o['value']] || o['label'] })),
      ...(thanks ? { thanks } : {}),
    };
  }
  if (locale) Object.assign(out, { lang: locale, dir: isRtl(locale) ? 'rtl' : 'ltr' });
  return out;
}

/** The hint under a survey's thank-you in locale `tag` ('' = the default field). */
export function thanksFallback(message: Json, tag: string): string {
  if (!tag) return `Shown once a visitor answers, in place of the body. Empty: “${DEFAULT_THANKS}”`;
  const own = textOf(message, 'thanks');
  return own ? `Empty: falls back to the default, “${own}”` : `Empty: falls back to “${DEFAULT_THANKS}”`;
}

/**
 * `locale` (a variant's or the message's text in one language) with `patch`: an emptied field is
 * left out, so it falls back; a button with neither text nor link is left out.
 */
export function patchLocaleText(locale: Json | undefined, patch: Json): Json {
  const next: Json = { ...(locale ?? {}), ...patch };
  if (next['cta'] && typeof next['cta'] === 'object') {
    const cta: Json = { ...next['cta'] };
    for (const key of ['text', 'href']) if (!cta[key]) delete cta[key];
    next['cta'] = Object.keys(cta).length ? cta : undefined;
  }
  for (const key of Object.keys(next)) if (next[key] === '' || next[key] === undefined) delete next[key];
  return next;
}

/**
 * Which language to show so that a refused field can be seen: the first issue inside a variant's
 * locale ("variants.1.locales.fr.title") → {variant: 1, tag: 'fr'}, or inside the message's
 * ("locales.fr.thanks") → {tag: 'fr'}; undefined when none is.
 */
export function localeOfIssue(paths: readonly string[]): { variant?: number; tag: string } | undefined {
  for (const path of paths) {
    const inVariant = /^variants\.(\d+)\.locales\.([^.]+)/.exec(path);
    if (inVariant) return { variant: Number(inVariant[1]), tag: inVariant[2]! };
    const inMessage = /^locales\.([^.]+)/.exec(path);
    if (inMessage) return { tag: inMessage[1]! };
  }
  return undefined;
}
