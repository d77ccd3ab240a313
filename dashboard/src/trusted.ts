/**
 * Trusted Types: the dashboard is served with `require-trusted-types-for 'script'; trusted-types
 * waymark` (dashboard/_headers), so its one HTML sink, the preview frame's `srcdoc` (ui.tsx: a
 * marketer's content, already sanitized by the edge, in a sandboxed frame that runs nothing),
 * takes TrustedHTML from the policy "waymark", created once here. Preact sets no other HTML sink
 * (the dashboard uses no dangerouslySetInnerHTML). Without the API it is the string itself.
 */
type Policy = { createHTML(html: string): string };
type Factory = { createPolicy(name: string, rules: { createHTML: (html: string) => string }): Policy };

let policy: Policy | undefined;

/** `html` as the document's Trusted Types want it: TrustedHTML, typed as the string it stands for. */
export function trustedHtml(html: string): string {
  const factory = (globalThis as { trustedTypes?: Factory }).trustedTypes;
  if (!factory) return html;
  policy ??= factory.createPolicy('waymark', { createHTML: (s) => s });
  return policy.createHTML(html);
}
