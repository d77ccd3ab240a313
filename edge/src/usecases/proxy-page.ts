/**
 * Proxy mode (zero flicker): a request outside /_wm/ that reaches the worker. The page comes from
 * the site's upstream (its origin, or the bundled static files for the local demo) and is streamed
 * through HTMLRewriter with this visitor's slot decisions and the snippet tag; anything that is not
 * a 200 HTML page passes through untouched. A site without `proxy` is served the worker's static
 * files, as before proxy mode existed.
 *
 * The site is the one whose `proxy.hostnames` lists the request's hostname (KV index `host:<name>`,
 * kept by the AdminStore), else WM_PROXY_SITE (one per deployment; the local demo), else none.
 *
 * Performance-critical: the page streams (never buffered whole), and the visitor's decisions are
 * resolved while the upstream answers.
 *
 * A page never sets the visitor cookie. Whether a first visit may be given an id depends on consent,
 * and a page's own snippet tag may ask for opt-in anywhere in its body (over an opt-out site
 * policy), after the headers must have gone. So the id is minted where consent is known: by the
 * snippet's first event batch (POST /_wm/e, usecases/collect.ts), exactly as in snippet mode. The
 * headers go out as soon as the upstream's arrive, a first visit costs no read-ahead, and nothing
 * identifies a visitor before the tag they obey has been read. The first page loses nothing: a
 * visitor without a profile has no decisions to show.
 */
import { VISITOR_COOKIE, WM_PREFIX } from '../../../protocol/limits';
import type { Decision, Utm } from '../../../protocol/wire';
import type { SiteConfig } from '../../../protocol/config/site';
import { claimedHostnames } from '../../../protocol/config/hostnames';
import { requestConsent, type RequestConsent } from '../consent/policy';
import { HttpError } from '../http/errors';
import { loadSite, visitorSecret } from '../http/site-context';
import { verifyVisitorToken } from '../identity/token';
import type { PageFacts } from '../personalize/decide-request';
import { isRewritable, rewritePage } from '../personalize/rewrite';
import { hostIndex } from '../proxy/host-index';
import { proxiedLocation } from '../proxy/redirect';
import { privateIfSetsCookie, upstreamHeaders, withoutOurSetCookies } from '../proxy/forwarding';
import { HOST_SESSION_COOKIE, SESSION_COOKIE } from '../admin/sessions';
import { QA_COOKIE } from '../../../protocol/qa';
import { clearedQaCookie, qaPageStep } from '../qa/proxy';
import { sessionDecisions } from '../qa/session';

export const SNIPPET_SRC = `${WM_PREFIX}/wm.js`;

export type ProxyInput = {
  env: Env;
  request: Request;
  url: URL;
  /** The wm_vid cookie, if any. */
  visitorToken: string | undefined;
  /** Sec-GPC, read from the request (consent/policy.ts). */
  gpc: boolean;
  /** The visitor's decisions for this page (personalize/decide-request.ts). */
  decide: (site: SiteConfig, visitorId: string, consent: RequestConsent) => Promise<Decision[]>;
  /** Set when the request is from a bot (bots/filter.ts): counts a filtered page view for the site. */
  bot?: { countFor: (site: string) => void };
  /** The wm_qa cookie, if any (qa/proxy.ts). */
  qaCookie?: string | undefined;
};

/** `personalized`: a rewritten page (private, built by this worker), else the upstream's response as it came. */
export type ProxyOutcome = { response: Response; personalized: boolean };

export function isWaymarkPath(url: URL): boolean {
  return url.pathname === WM_PREFIX || url.pathname.startsWith(`${WM_PREFIX}/`);
}

export async function servePage(input: ProxyInput): Promise<ProxyOutcome> {
  const { env, request, url } = input;
  const site = await proxiedSite(env, url);
  if (!site?.proxy) return { response: await staticFile(env, request, url, request.headers), personalized: false };

  const looksLikePage = request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
  if (input.bot) {
    // A bot or crawler: the origin's page as it came (its default content is what search engines
    // see), no decisions, snippet or messages; its validators kept, a 304 is right for it.
    if (looksLikePage) input.bot.countFor(site.id);
    const upstream = await fetchUpstream(env, request, site.proxy.upstream, url, false);
    return { response: variesByUserAgent(privateIfSetsCookie(keepOnSite(upstream, site.proxy.upstream, url))), personalized: false };
  }

  // Decided once: whether decisions may personalize.
  const consent = requestConsent(site.consentPolicy, input.gpc, undefined);
  // A QA link (qa/proxy.ts): `?wm_qa=` becomes a session cookie; a session's pages show what its link forces, and store nothing.
  const qa = looksLikePage ? await qaPageStep(env, site, url, input.qaCookie, request.headers.get('sec-fetch-dest') === 'iframe') : null;
  if (qa && 'redirect' in qa) return { response: qa.redirect, personalized: false };
  const session = qa?.session ?? null;
  // A page navigation: resolve the visitor and their decisions while the upstream answers.
  const early = session ? sessionDecisions(env, session, url.href).catch(qaFailed) : looksLikePage ? personalization(input, site, consent) : undefined;
  const upstream = await fetchUpstream(env, request, site.proxy.upstream, url, looksLikePage);
  if (!isRewritable(request.method, upstream)) return { response: privateIfSetsCookie(keepOnSite(upstream, site.proxy.upstream, url)), personalized: false };

  const decisions = await (early ?? personalization(input, site, consent));
  const preview = url.searchParams.get('wm_preview') === '1'; // the dashboard's message preview (wm-ui.js preview mode)
  const page = rewritePage(upstream, decisions, {
    ...snippetUrls(url),
    site: site.id,
    consentPolicy: site.consentPolicy,
    consentPlatform: site.consentPlatform,
    preview,
    ...(session ? { qa: session.describe } : {}),
  });
  if (qa?.clearCookie) page.headers.append('set-cookie', clearedQaCookie(url));
  return { response: page, personalized: true };
}

/**
 * The snippet's URLs, absolute on the origin the visitor asked for (the request URL, never a
 * forwarding header): a page's `<base href="https://elsewhere.example/">` would otherwise send a
 * relative `/_wm/wm.js` to that other host (or block it as mixed content), and the snippet derives
 * its endpoints and wm-ui.js from its own src.
 */
export function snippetUrls(url: URL): { snippetSrc: string; uiSrc: string } {
  return { snippetSrc: new URL(SNIPPET_SRC, url.origin).href, uiSrc: new URL(`${WM_PREFIX}/wm-ui.js`, url.origin).href };
}

/**
 * The site this hostname serves: the index's site when its config lists the hostname (an entry
 * left from a failed or older write is ignored), else WM_PROXY_SITE's; null = no proxied site.
 */
async function proxiedSite(env: Env, url: URL): Promise<SiteConfig | null> {
  const byHost = await hostIndex(env.CONFIG).siteFor(url.hostname);
  if (byHost) {
    try {
      const site = await loadSite({ env }, byHost);
      if (site.proxy && claimedHostnames(site).includes(url.hostname)) return site;
    } catch (err) {
      if (!(err instanceof HttpError)) throw err; // a site id that no longer exists: fall back
    }
  }
  const fallback = env.WM_PROXY_SITE;
  return fallback ? loadSite({ env }, fallback) : null;
}

/** An upstream redirect to its own origin points at the proxied host instead (proxy/redirect.ts). */
function keepOnSite(response: Response, upstream: string, url: URL): Response {
  const location = response.headers.get('location');
  if (upstream === 'assets' || !location || response.status < 300 || response.status > 399) return response;
  const moved = proxiedLocation(location, upstream, url.href);
  if (moved === location) return response;
  const out = new Response(response.body, response);
  out.headers.set('location', moved);
  return out;
}

/**
 * A bot's copy of a page may be cacheable as the upstream said, but a person gets a different page
 * (personalized, with the snippet): `Vary: User-Agent` keeps a cache from serving one for the other.
 */
function variesByUserAgent(response: Response): Response {
  const vary = response.headers.get('vary');
  if (vary && /(^|,)\s*(user-agent|\*)\s*(,|$)/i.test(vary)) return response;
  const out = new Response(response.body, response);
  out.headers.set('vary', vary ? `${vary}, User-Agent` : 'User-Agent');
  return out;
}

/**
 * The bundled static files, without the request's body: they never read one, and a body left
 * unread makes local workerd restart and drop the requests in flight (found by the soak's fuzz).
 */
function staticFile(env: Env, request: Request, url: URL, requestHeaders: Headers): Promise<Response> {
  const headers = new Headers(requestHeaders);
  headers.delete('content-length');
  return env.ASSETS.fetch(new Request(url, { method: request.method, headers }));
}

/**
 * The same method, path, query, headers and body at the upstream; redirects come back as they are.
 * On Cloudflare the upstream may be the site's own hostname: a Worker's subrequest to its own zone
 * goes to the origin server, not back to the Worker.
 * For a page the browser's validators are dropped: the personalized page it holds (if any) is not
 * the upstream's, so a 304 from the upstream would be wrong; the full page is rewritten instead.
 */
async function fetchUpstream(env: Env, request: Request, upstream: string, url: URL, page: boolean): Promise<Response> {
  const headers = new Headers(request.headers);
  if (page) for (const name of ['if-none-match', 'if-modified-since']) headers.delete(name);
  if (upstream === 'assets') return staticFile(env, request, url, headers);
  const target = new URL(url.pathname + url.search, upstream);
  // The visitor's forwarding and override headers stay here; the real host and scheme go (proxy/forwarding.ts).
  const sent = upstreamHeaders(headers, url);
  const cookie = withoutVisitorCookie(sent.get('cookie'));
  if (cookie) sent.set('cookie', cookie);
  else sent.delete('cookie');
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  try {
    const answer = await fetch(target, { method: request.method, headers: sent, body: hasBody ? request.body : null, redirect: 'manual' });
    return withoutOurSetCookies(answer, WAYMARK_COOKIES);
  } catch (err) {
    throw new HttpError(502, `upstream ${target.origin} did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Cookies that are Waymark's own: the visitor token, the admin session (Path=/ on https) and a QA session. */
const WAYMARK_COOKIES = [VISITOR_COOKIE, SESSION_COOKIE, HOST_SESSION_COOKIE, QA_COOKIE];

/** The site's own cookies go to its origin; Waymark's visitor token and admin session never do. */
export function withoutVisitorCookie(header: string | null): string {
  if (!header) return '';
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair && !WAYMARK_COOKIES.some((name) => pair.startsWith(`${name}=`)))
    .join('; ');
}

/**
 * What the edge decided for the visitor behind this page view: the signed cookie when valid.
 * Without one there is no profile to decide from (no Durable Object is touched, nor created for
 * every crawler) and the page keeps its defaults. Never fails the page: on any error the defaults
 * are served.
 */
async function personalization(input: ProxyInput, site: SiteConfig, consent: RequestConsent): Promise<Decision[]> {
  try {
    const visitorId = await verifyVisitorToken(visitorSecret(input.env), site.id, input.visitorToken);
    return visitorId ? await input.decide(site, visitorId, consent) : [];
  } catch (err) {
    console.error(`proxy: personalization for site ${site.id} failed, serving the page with defaults`, err);
    return [];
  }
}

/** A QA session's decisions failed: the page shows its defaults, never an error. */
function qaFailed(err: unknown): Decision[] {
  console.error('proxy: a QA session’s decisions failed, serving the page with defaults', err);
  return [];
}

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

/** The page as the snippet would describe it: URL, referrer, utm_* parameters. */
export function pageFacts(url: URL, referrer: string | undefined): PageFacts {
  const utm: Utm = {};
  for (const key of UTM_KEYS) {
    const value = url.searchParams.get(`utm_${key}`);
    if (value) utm[key] = value.slice(0, 200);
  }
  return { url: url.href, ...(referrer ? { referrer } : {}), ...(Object.keys(utm).length ? { utm } : {}) };
}
