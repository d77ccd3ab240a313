/**
 * Content hosts: images and links in marketer content (slot variants, message CTAs) may point only
 * to the site's own hosts (its `origins` and proxy hostnames) and the hosts it lists in
 * `content.allowedHosts`, so content cannot carry a hidden third-party pixel or an off-site link
 * nobody approved. Relative URLs, mailto: and tel: are always fine.
 *
 * One rule, used on write (site.ts refuses with a reason per field) and at render (the edge drops
 * content that breaks it, edge/src/personalize/allowed-content.ts: a config in KV may have been
 * written by hand). Zod-free and pure.
 */
import { decodeEntities } from './sanitize';

/** What a site says about hosts; every field optional, as a hand-written config may lack them. */
export type HostSource = {
  origins?: readonly string[] | undefined;
  proxy?: { hostnames?: readonly string[] | undefined } | undefined;
  content?: { allowedHosts?: readonly string[] | undefined } | undefined;
};

/** Where the allowed hosts are edited (the reason names it). */
export const ALLOWED_HOSTS_HINT = 'add it to Settings → Content hosts (content.allowedHosts) to allow it';

/** The hostname of an http(s) origin or URL, lowercase; null when it has none or does not parse. */
export function urlHost(url: string): string | null {
  if (!/^https?:\/\//i.test(url.trim())) return null;
  try {
    return new URL(url.trim()).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** The hostnames content may point to, for a site. */
export function allowedContentHosts(site: HostSource): Set<string> {
  const hosts = new Set<string>();
  for (const origin of site.origins ?? []) {
    const host = urlHost(origin);
    if (host) hosts.add(host);
  }
  for (const host of site.proxy?.hostnames ?? []) hosts.add(host.toLowerCase());
  for (const host of site.content?.allowedHosts ?? []) hosts.add(host.toLowerCase());
  return hosts;
}

/**
 * Why `url` may not be used in this site's content, or null. An absolute URL must be http(s) to an
 * allowed host; anything else absolute-looking (`//host`, other schemes) is refused elsewhere
 * (url.ts), and here only when it names a host.
 */
export function hostProblem(url: string, allowed: ReadonlySet<string>, what = 'URL'): string | null {
  const trimmed = url.trim();
  if (/^\/\//.test(trimmed)) return `a ${what} must not start with //: use a path on this site or an https URL`;
  const host = urlHost(trimmed);
  if (host === null) {
    if (/^https?:/i.test(trimmed)) return `a ${what} must be a path on this site or a URL with a valid host`;
    return null;
  }
  return allowed.has(host) ? null : `${what} host "${host}" is not one of this site’s hosts: ${ALLOWED_HOSTS_HINT}`;
}

const URL_ATTRIBUTE = /\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

/** The link and image URLs in HTML (as written by the sanitizer, or any HTML: quotes of all kinds). */
export function htmlUrls(html: string): { attribute: 'href' | 'src'; url: string }[] {
  const out: { attribute: 'href' | 'src'; url: string }[] = [];
  for (const match of html.matchAll(URL_ATTRIBUTE)) {
    const raw = match[2] ?? match[3] ?? match[4] ?? '';
    out.push({ attribute: match[1]!.toLowerCase() === 'src' ? 'src' : 'href', url: decodeEntities(raw, true) });
  }
  return out;
}

/** The first problem of the URLs in `html`, or null. */
export function htmlHostProblem(html: string, allowed: ReadonlySet<string>): string | null {
  for (const { attribute, url } of htmlUrls(html)) {
    const problem = hostProblem(url, allowed, attribute === 'src' ? 'image' : 'link');
    if (problem) return problem;
  }
  return null;
}

type ContentLike = { type: string; href?: string | undefined; src?: string | undefined; html?: string | undefined };
type CtaLike = { href: string } | undefined;
/** A localized CTA may keep the default's link (docs/localized-content.md). */
type LocalizedCta = { href?: string | undefined } | undefined;

/** Problems of one slot content, by field ('href', 'src', 'html'). */
export function contentHostProblems(content: ContentLike, allowed: ReadonlySet<string>): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const check = (field: 'href' | 'src', what: string) => {
    const url = content[field];
    const problem = url === undefined ? null : hostProblem(url, allowed, what);
    if (problem) out.push({ field, message: problem });
  };
  if (content.type === 'link' || content.type === 'image') check('href', 'link');
  if (content.type === 'image') check('src', 'image');
  if (content.type === 'html' && content.html !== undefined) {
    const problem = htmlHostProblem(content.html, allowed);
    if (problem) out.push({ field: 'html', message: problem });
  }
  return out;
}

/** Every place in a site's slots and messages that points to a host the site does not allow. */
export function contentHostIssues(
  site: HostSource & {
    slots: readonly { variants: readonly { content: ContentLike; locales?: Readonly<Record<string, ContentLike>> | undefined }[] }[];
    messages: readonly {
      cta?: CtaLike;
      variants: readonly { cta?: CtaLike; locales?: Readonly<Record<string, { cta?: LocalizedCta }>> | undefined }[];
      locales?: Readonly<Record<string, { cta?: LocalizedCta }>> | undefined;
    }[];
  },
): { path: (string | number)[]; message: string }[] {
  const allowed = allowedContentHosts(site);
  const issues: { path: (string | number)[]; message: string }[] = [];
  site.slots.forEach((slot, i) =>
    slot.variants.forEach((variant, j) => {
      for (const { field, message } of contentHostProblems(variant.content, allowed))
        issues.push({ path: ['slots', i, 'variants', j, 'content', field], message });
      // Every locale's content obeys the same rules as the default.
      for (const [tag, content] of Object.entries(variant.locales ?? {}))
        for (const { field, message } of contentHostProblems(content, allowed))
          issues.push({ path: ['slots', i, 'variants', j, 'locales', tag, field], message });
    }),
  );
  site.messages.forEach((m, i) => {
    const ctaProblem = (cta: LocalizedCta) => (cta?.href !== undefined ? hostProblem(cta.href, allowed, 'link') : null);
    const localeProblems = (locales: Readonly<Record<string, { cta?: LocalizedCta }>> | undefined, path: (string | number)[]) => {
      for (const [tag, text] of Object.entries(locales ?? {})) {
        const problem = ctaProblem(text.cta);
        if (problem) issues.push({ path: [...path, 'locales', tag, 'cta', 'href'], message: problem });
      }
    };
    localeProblems(m.locales, ['messages', i]);
    const base = ctaProblem(m.cta);
    if (base) issues.push({ path: ['messages', i, 'cta', 'href'], message: base });
    m.variants.forEach((v, k) => {
      const problem = ctaProblem(v.cta);
      if (problem) issues.push({ path: ['messages', i, 'variants', k, 'cta', 'href'], message: problem });
      localeProblems(v.locales, ['messages', i, 'variants', k]);
    });
  });
  return issues;
}
