/**
 * Localized content (docs/localized-content.md): which locale's text a decision carries. The
 * request's candidates, most wanted first: the page's lang (when the request says it), the
 * visitor's languages (navigator.language, Accept-Language), the `locale` trait; each matched by
 * exact tag, then by language (protocol/locale.ts pickLocale); none = the default text.
 *
 * While the page's lang is not known yet (proxy mode decides before the page arrives; a collect
 * response does not know the page), a decision also carries every locale's text, and the page's
 * lang picks among them: the HTMLRewriter (rewrite.ts) or wm-ui.js. Pure.
 */
import type { Message } from '../../../protocol/config/messages';
import { messageLocales, messageText } from '../../../protocol/message-text';
import type { Slot, SlotContent } from '../../../protocol/config/personalization';
import { isRtl, normalizeLocale, pickLocale } from '../../../protocol/locale';
import type { MessageDecision, PropValue, SlotDecision } from '../../../protocol/wire';
import type { RequestFacts } from '../rules/evaluate';

export type LocaleRequest = {
  /** Locale candidates, most wanted first (normalized tags). */
  candidates: string[];
  /** The page's lang is not known: send every locale's text so the page can pick. */
  withAlternatives: boolean;
};

/** No candidates: the default text, and no alternatives (tests, callers without a request). */
export const DEFAULT_LOCALE_REQUEST: LocaleRequest = { candidates: [], withAlternatives: false };

export function localeRequest(request: RequestFacts, traits: Readonly<Record<string, PropValue>>): LocaleRequest {
  const trait = traits['locale'];
  const candidates = [request.pageLang, ...(request.languages ?? []), typeof trait === 'string' ? trait : undefined]
    .map((tag) => normalizeLocale(tag))
    .filter((tag): tag is string => tag !== null);
  return { candidates, withAlternatives: request.pageLang === undefined };
}

/** `lang` and `dir` for a chosen locale; nothing for the default text. */
export function langAttributes(tag: string | undefined): { lang?: string; dir?: 'rtl' | 'ltr' } {
  return tag === undefined ? {} : { lang: tag, dir: isRtl(tag) ? 'rtl' : 'ltr' };
}

type SlotVariant = Slot['variants'][number];

/** The html of a slot decision for this request, with its locale, and the alternatives when asked. */
export function localizeSlot(
  variant: SlotVariant,
  request: LocaleRequest,
  render: (content: SlotContent) => string,
): Pick<SlotDecision, 'html' | 'lang' | 'dir' | 'locales'> {
  const locales = variant.locales ?? {};
  const tags = Object.keys(locales);
  const tag = pickLocale(request.candidates, tags);
  const html = render(tag === undefined ? variant.content : locales[tag]!);
  const alternatives = request.withAlternatives && tags.length > 0 ? { locales: Object.fromEntries(tags.map((t) => [t, render(locales[t]!)])) } : {};
  return { html, ...langAttributes(tag), ...alternatives };
}

/** A message decision in the request's locale (and its alternatives when the page's lang is not known). */
export function localizeMessage(decision: MessageDecision, message: Message, request: LocaleRequest): MessageDecision {
  const variant = message.variants.find((v) => v.id === decision.variant);
  if (!variant) return decision;
  const tags = messageLocales(message, variant);
  if (tags.length === 0) return withThanks(decision, message.thanks);
  const tag = pickLocale(request.candidates, tags);
  const text = messageText(message, variant, tag);
  const { title: _title, cta: _cta, ...rest } = decision;
  const survey = decision.survey && {
    pref: decision.survey.pref,
    options: decision.survey.options.map((o, i) => ({ value: o.value, label: text.options?.[i] ?? o.label })),
  };
  return {
    ...withThanks({ ...rest, ...(survey ? { survey } : {}) }, text.thanks),
    ...(text.title !== undefined ? { title: text.title } : {}),
    body: text.body,
    ...(text.cta ? { cta: text.cta } : {}),
    ...langAttributes(tag),
    ...(request.withAlternatives ? { locales: Object.fromEntries(tags.map((t) => [t, messageText(message, variant, t)])) } : {}),
  };
}

/** A survey decision with its thank-you (none given: as it is, and the browser shows DEFAULT_THANKS). */
function withThanks(decision: MessageDecision, thanks: string | undefined): MessageDecision {
  return decision.survey && thanks !== undefined ? { ...decision, survey: { ...decision.survey, thanks } } : decision;
}

/** Message decisions, localized (a message no longer in `messages` is left as it is). */
export function localizeMessages(decisions: readonly MessageDecision[], messages: readonly Message[], request: LocaleRequest): MessageDecision[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  return decisions.map((d) => {
    const message = byId.get(d.id);
    return message ? localizeMessage(d, message, request) : d;
  });
}
