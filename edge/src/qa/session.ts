/**
 * A QA or preview session on the edge: the token a request carries (the `wm_qa` cookie in proxy
 * mode; in snippet mode the `wm_qa` parameter of the page URL, then the token the snippet keeps in
 * place of its visitor token), checked (token.ts), looked up in the site's SiteAdmin object
 * (links.ts: revoked and expired links force nothing) and turned into forced decisions
 * (decisions.ts) over the live config or, when the link asks, the draft (KV `draft:<site>`).
 *
 * A token that fails any check is no session: the caller treats the request as a normal visitor's
 * and shows no error. Tokens are never logged.
 */
import type { SiteConfig } from '../../../protocol/config/site';
import { readStoredConfig } from '../../../protocol/config/stored';
import { describeForce, QA_TOKEN_PREFIX } from '../../../protocol/qa';
import type { Decision, ProfileExport } from '../../../protocol/wire';
import { visitorSecret } from '../http/site-context';
import { siteAdmin } from '../admin/objects';
import { visitorStub } from '../profile/stub';
import { qaDecisions } from './decisions';
import { isLive, type QaLinkRecord } from './links';
import { verifyQaToken } from './token';

export type QaSession = {
  token: string;
  link: QaLinkRecord;
  /** The badge's words (protocol/qa.ts describeForce). */
  describe: string;
  /** The config the session is shown: the draft when the link asks and one exists, else the live one. */
  config: SiteConfig;
};

/** The first of `candidates` that looks like a QA token (a visitor token never starts so). */
export function qaTokenAmong(candidates: readonly (string | null | undefined)[]): string | null {
  for (const c of candidates) if (c && c.startsWith(QA_TOKEN_PREFIX)) return c;
  return null;
}

/** The session `token` opens on `site`, or null (forged, expired, revoked, another site's, or no such link). */
export async function openQaSession(env: Env, site: SiteConfig, token: string | null, now = Date.now()): Promise<QaSession | null> {
  if (!token) return null;
  const verified = await verifyQaToken(visitorSecret(env), site.id, token, now);
  if (!verified) return null;
  const link = await siteAdmin(env, site.id).qaLink(site.id, verified.id);
  if (!link || !isLive(link, now)) return null;
  const config = link.draft ? ((await draftConfig(env, site.id)) ?? site) : site;
  return { token, link, describe: describeForce(link.force, link.draft), config };
}

/** The site's draft as H3's editor writes it (KV `draft:<site>`, the format of `site:<site>`), if any and valid. */
export async function draftConfig(env: Env, siteId: string): Promise<SiteConfig | null> {
  const raw = await env.CONFIG.get(`draft:${siteId}`, 'json');
  if (raw === null) return null;
  const read = readStoredConfig(raw);
  if (!read.ok || read.config.id !== siteId) {
    console.error(`site ${siteId}: the stored draft is invalid; QA links show the live config`);
    return null;
  }
  return read.config;
}

/** The session's decisions for a page. A previewed profile is read (its segments), never written. */
export async function sessionDecisions(env: Env, session: QaSession, pageUrl: string | undefined, now = Date.now()): Promise<Decision[]> {
  const { force } = session.link;
  let segments: string[] = [];
  if (force.kind === 'profile') {
    const text = await visitorStub(env, session.config.id, force.visitorId).exportProfile(session.config.id, force.visitorId);
    segments = text === null ? [] : (JSON.parse(text) as ProfileExport).segments.map((s) => s.id);
  }
  return qaDecisions(session.config, force, { ...(pageUrl ? { url: pageUrl } : {}), now }, segments);
}
