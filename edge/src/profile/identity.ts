/**
 * Identity stitching (identity/stitch.ts) for the visitor object. A browser profile that
 * identifies as a user hands its history to that user's golden record (a profile of this same
 * class, named by site and user id) and keeps only a link; its calls are then forwarded there.
 * Erasing through any linked browser erases the golden record.
 */
import type { Decision, ProfileExport, WireEvent } from '../../../protocol/wire';
import { claimedUser, goldenRecordName, linkedVisitorLabel, needsLink, parseLink, type Handover, type Link } from '../identity/stitch';
import type { ConfigRef, DecisionContext, IngestResult, ProfileHost, RateLimited } from './context';
import { scheduleInactivity, scheduleJourneys } from './alarms';
import { loadSiteConfig, rememberConfig } from './site-config';
import { GENERATION_KEY, GOLDEN_USER_KEY, LINK_KEY } from './store/meta-keys';
import { serverMayStore, type ServerConsent } from '../segment/consent';

/** What forwarding needs from the object besides its parts: erasing itself. */
export type IdentityHost = ProfileHost & { erase: () => Promise<string[]> };

/** Whether this profile is a user's golden record (then it is never linked anywhere itself). */
export function isGoldenRecord(host: ProfileHost): boolean {
  return host.store.meta(GOLDEN_USER_KEY) !== undefined;
}

function currentLink(host: ProfileHost): Link | null {
  return parseLink(host.store.meta(LINK_KEY));
}

function goldenRecord(host: ProfileHost, record: string) {
  return host.env.VISITORS.get(host.env.VISITORS.idFromString(record));
}

/**
 * The golden record this browser was linked to has been erased (through another device): this
 * profile is erased too, so the browser behaves as erased and gets a new id on its next event.
 */
async function forgetErasedRecord(host: IdentityHost): Promise<void> {
  host.store.deleteMeta(LINK_KEY);
  await host.erase();
}

/**
 * Links this browser to a user's golden record. The first link moves this profile's whole
 * history there and clears it here; re-pointing to another user moves nothing (what was merged
 * stays with the first user). Nothing else reaches this profile meanwhile: a batch stored here
 * while the history is in flight would be cleared without having been handed over. If the
 * object fails half-way, the batch is not acknowledged and its retry links again: the golden
 * record takes the same history twice without duplicating anything.
 */
function linkTo(host: ProfileHost, site: string, visitorId: string, userId: string, context: DecisionContext): Promise<Link | null> {
  return host.ctx.blockConcurrencyWhile(async () => {
    const record = host.env.VISITORS.idFromName(goldenRecordName(site, userId));
    const current = currentLink(host);
    if (current?.record === record.toString()) return current;
    const first = current === null;
    const history = first ? JSON.stringify(host.store.readHandover(visitorId)) : null;
    const generation = await host.env.VISITORS.get(record).link(site, userId, visitorId, history, context.config, context.server);
    // A server call the user's stored choice refuses (segment/consent.ts): nothing linked.
    if (generation === null) return null;
    const link: Link = { record: record.toString(), generation };
    // One synchronous block: the link and the cleared history commit together.
    host.store.setMeta(LINK_KEY, JSON.stringify(link));
    // Inactivity waits, journeys and queued webhooks move with the history (link() sets the
    // golden record's alarm for them), so this profile's alarm has nothing left to do.
    if (first) {
      host.store.clearHistory();
      await host.ctx.storage.deleteAlarm();
    }
    return link;
  });
}

const NOT_STORED: IngestResult = { accepted: [], duplicates: [], decisions: [], notStored: 'consent' };

/**
 * Undefined: this browser is not linked, store the batch here. Otherwise the golden record's
 * answer, after linking first when the batch identifies as a user this browser is not linked to.
 */
export async function stitchedIngest(
  host: IdentityHost,
  site: string,
  visitorId: string,
  events: WireEvent[],
  receivedAt: number,
  context: DecisionContext,
): Promise<IngestResult | RateLimited | null | undefined> {
  if (isGoldenRecord(host)) return undefined;
  const claimed = claimedUser(events);
  let link = currentLink(host);
  if (claimed !== null) {
    const record = host.env.VISITORS.idFromName(goldenRecordName(site, claimed)).toString();
    if (needsLink(link, record)) {
      // A server call (Segment HTTP API) links nothing that consent would not let it store: the
      // link is data about the user too (segment/consent.ts rules 2 and 3, here and in the record).
      if (context.server && !serverMayStore(context.server, host.store.consent())) return NOT_STORED;
      link = await linkTo(host, site, visitorId, claimed, context);
      if (link === null) return NOT_STORED;
    }
  }
  if (!link) return undefined;
  const result = await goldenRecord(host, link.record).linkedIngest(link.generation, site, visitorId, events, receivedAt, context);
  if (result === null) await forgetErasedRecord(host);
  return result;
}

export async function stitchedDecide(host: IdentityHost, context: DecisionContext): Promise<Decision[] | undefined> {
  const link = currentLink(host);
  if (!link) return undefined;
  const decisions = await goldenRecord(host, link.record).linkedDecide(link.generation, context);
  if (decisions !== null) return decisions;
  await forgetErasedRecord(host);
  return [];
}

export async function stitchedExport(host: IdentityHost, site: string, visitorId: string): Promise<string | null | undefined> {
  const link = currentLink(host);
  if (!link) return undefined;
  const json = await goldenRecord(host, link.record).linkedExport(link.generation, site, visitorId);
  if (json === null) await forgetErasedRecord(host);
  return json;
}

/** A linked browser erases the golden record too (its own profile is then erased by erase()). */
export async function eraseLinkedRecord(host: ProfileHost): Promise<string[]> {
  const link = currentLink(host);
  return link ? goldenRecord(host, link.record).linkedErase(link.generation) : [];
}

/**
 * Golden record: links a browser (and takes its history, when given) and returns the record's
 * generation. The caller has restarted an erased record first.
 */
/**
 * Golden record: whether a server call may link a profile here: the record's stored choice, or
 * the site's policy when it has none (an erased record has none).
 */
export function serverMayLink(host: ProfileHost, server: ServerConsent | undefined, erased: boolean): boolean {
  return !server || serverMayStore(server, erased || !isGoldenRecord(host) ? null : host.store.consent());
}

export async function acceptLink(
  host: ProfileHost,
  site: string,
  userId: string,
  visitorId: string,
  history: string | null,
  config: ConfigRef,
): Promise<string> {
  const { store } = host;
  // Loaded before anything is written: the writes below stay one synchronous block.
  const siteConfig = history !== null ? await loadSiteConfig(host.env.CONFIG, config) : null;
  const owner = store.meta(GOLDEN_USER_KEY);
  if (owner !== undefined && owner !== userId) throw new Error(`golden record of ${owner} addressed as ${userId}`);
  if (owner === undefined && store.meta('visitor_id') !== undefined) throw new Error('a browser profile cannot become a golden record');
  const now = Date.now();
  store.setMeta(GOLDEN_USER_KEY, userId);
  store.setMeta('user_id', userId);
  store.setMeta('site', site, true);
  // Message A/B buckets follow the first browser linked, so its variants stay.
  store.setMeta('visitor_id', visitorId, true);
  store.setMeta(GENERATION_KEY, crypto.randomUUID(), true);
  rememberConfig(store, config);
  store.addLinkedVisitor(visitorId, now);
  if (history !== null && siteConfig) {
    // Made by readHandover() in a browser profile of this class, never by a client.
    const handover = JSON.parse(history) as Handover;
    store.absorbHandover(handover);
    await scheduleInactivity(
      host,
      siteConfig.segments,
      handover.events.map((e) => JSON.parse(e.body) as WireEvent),
    );
    // The browser's journey waits and webhook deliveries continue here.
    await scheduleJourneys(host);
  }
  const generation = store.meta(GENERATION_KEY);
  if (generation === undefined) throw new Error('golden record without a generation');
  return generation;
}

/** Whether a linked browser's generation is this golden record's current one (else: erased for it). */
export function isGeneration(host: ProfileHost, generation: string): boolean {
  return isGoldenRecord(host) && host.store.meta(GENERATION_KEY) === generation;
}

/** Golden record: the browsers linked to it, each shown by a short prefix of its id. */
export function linkedVisitorsExport(host: ProfileHost, visitorId: string): Pick<ProfileExport, 'linkedVisitors'> {
  if (!isGoldenRecord(host)) return {};
  return {
    linkedVisitors: host.store.linkedVisitors().map((r) => ({ id: linkedVisitorLabel(r.visitorId), linkedAt: r.linkedAt, current: r.visitorId === visitorId })),
  };
}
