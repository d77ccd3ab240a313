/**
 * A message's text in one locale, field by field (docs/localized-content.md): what the edge puts in
 * a decision (edge/src/personalize/localize.ts) and what the dashboard's preview must agree with.
 * Pure; shared through protocol/ so the dashboard never imports edge code.
 */
import type { Message, Variant } from './config/messages';
import type { MessageText } from './wire';

/** The locales a message (with this variant) has a text for. */
export function messageLocales(message: Message, variant: Variant): string[] {
  return [...new Set([...Object.keys(message.locales ?? {}), ...Object.keys(variant.locales ?? {})])];
}

/**
 * A message's text in locale `tag` (undefined = the default): field by field, the variant's text
 * in that locale, else the message's in that locale, else the variant's default, else the
 * message's default. A localized CTA without a link keeps the default's link. A survey's labels
 * and thank-you are the message's (variants do not override them); no thank-you anywhere = none
 * sent, and wm-ui.js shows DEFAULT_THANKS.
 */
export function messageText(message: Message, variant: Variant, tag: string | undefined): MessageText {
  const mine = tag === undefined ? undefined : variant.locales?.[tag];
  const theirs = tag === undefined ? undefined : message.locales?.[tag];
  const title = mine?.title ?? theirs?.title ?? variant.title ?? message.title;
  const baseCta = variant.cta ?? message.cta;
  // The link too goes field by field: a variant's linkless French CTA takes the message's French link
  // (the schema accepts it on that ground), else the default's.
  const href = mine?.cta?.href ?? theirs?.cta?.href ?? baseCta?.href;
  const ctaText = mine?.cta?.text ?? theirs?.cta?.text ?? baseCta?.text;
  const labels = theirs?.options;
  const thanks = theirs?.thanks ?? message.thanks;
  return {
    ...(title !== undefined ? { title } : {}),
    body: mine?.body ?? theirs?.body ?? variant.body ?? message.body,
    ...(ctaText !== undefined && href !== undefined ? { cta: { text: ctaText, href } } : {}),
    ...(message.survey ? { options: message.survey.options.map((o) => labels?.[o.value] ?? o.label) } : {}),
    ...(message.survey && thanks !== undefined ? { thanks } : {}),
  };
}
