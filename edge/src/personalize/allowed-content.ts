/**
 * The render-time half of the content rules (the write-time half is the config schema): before the
 * edge decides, slot variants and messages that break them are set aside, so a config in KV written
 * by hand still cannot put a third-party pixel in a page or a message where it must not go.
 *   - content hosts (protocol/content/hosts.ts): a variant whose rendered HTML links or loads from a
 *     host the site does not allow is dropped (the next variant may win); so is a message whose CTA
 *     (base, any variant's, or any locale's) points to one; a slot variant's locale whose content
 *     does is dropped alone (the default text stays);
 *   - safe targets (protocol/content/targets.ts): a slot selector that names an unsafe element is
 *     dropped (its data-wm-slot elements stay, each guarded at render); an inline message whose
 *     target does is dropped.
 * Pure; the result is cached per rules object (configs are immutable once loaded).
 */
import type { Message } from '../../../protocol/config/messages';
import type { Slot } from '../../../protocol/config/personalization';
import { renderedContent } from './rendered';
import { allowedContentHosts, hostProblem, htmlHostProblem, type HostSource } from '../../../protocol/content/hosts';
import { selectorProblem } from '../../../protocol/content/targets';

export type ContentRules = HostSource & { slots: readonly Slot[]; messages: readonly Message[] };

const cache = new WeakMap<object, { slots: Slot[]; messages: Message[] }>();

export function allowedContent(rules: ContentRules): { slots: Slot[]; messages: Message[] } {
  const cached = cache.get(rules);
  if (cached) return cached;
  const hosts = allowedContentHosts(rules);
  const slots = rules.slots.map((slot) => {
    const { selector, ...rest } = slot;
    const ok = (content: Slot['variants'][number]['content']) => htmlHostProblem(renderedContent(content), hosts) === null;
    // A locale whose content breaks the rules is dropped alone: its visitors get the default text.
    const variants = slot.variants
      .filter((v) => ok(v.content))
      .map((v) => (v.locales ? { ...v, locales: Object.fromEntries(Object.entries(v.locales).filter(([, content]) => ok(content))) } : v));
    return selector !== undefined && selectorProblem(selector) === null ? { ...rest, selector, variants } : { ...rest, variants };
  });
  const ctaOk = (cta: { href?: string | undefined } | undefined) => cta?.href === undefined || hostProblem(cta.href, hosts) === null;
  const localesOk = (locales: Readonly<Record<string, { cta?: { href?: string | undefined } | undefined }>> | undefined) =>
    Object.values(locales ?? {}).every((text) => ctaOk(text.cta));
  const messages = rules.messages.filter(
    (m) =>
      ctaOk(m.cta) &&
      localesOk(m.locales) &&
      m.variants.every((v) => ctaOk(v.cta) && localesOk(v.locales)) &&
      (m.target === undefined || selectorProblem(m.target) === null),
  );
  const result = { slots, messages };
  cache.set(rules, result);
  return result;
}
