/**
 * Whether a request comes from a bot or crawler: decided once per request (requestBot in
 * http/middleware/bot.ts) from its User-Agent and, where the zone has Bot Management, Cloudflare's
 * own verdict in `request.cf.botManagement`. Pure: tested in plain Node (bots.test.ts) with real
 * crawler, headless and browser user agents.
 *
 * A bot gets no cookie, no profile, no analytics row and no personalization (docs/bots.md).
 *
 * - User-Agent: `isbot` (one regex, compiled once per isolate by the library and kept module-level).
 *   An empty or missing User-Agent is NOT a bot: browsers always send one, and a server-side sender
 *   that sends none is treated like any other caller.
 * - `cf.botManagement.verifiedBot`: a bot Cloudflare has verified (Googlebot from Google's addresses…).
 * - `cf.botManagement.score` ≤ BOT_SCORE_MAX: Cloudflare's score runs 1–99, 1 meaning "automated"
 *   with certainty. Only 1 is filtered: 2–29 ("likely automated") also holds real people behind
 *   shared proxies and privacy tools, and filtering a person costs them their personalization and
 *   the site its data, while letting a bot through costs one row. Absent (local dev, zones without
 *   Bot Management) or 0 (not computed): no verdict from Cloudflare.
 */
import { isbot } from 'isbot';

/** Cloudflare Bot Management scores at or below this are bots (1 = automated with certainty). */
export const BOT_SCORE_MAX = 1;

export type BotVerdict = { bot: false } | { bot: true; by: 'user-agent' | 'verified-bot' | 'bot-score' };

const HUMAN: BotVerdict = { bot: false };

/** The fields this module reads of `request.cf` (all optional: absent locally and on most plans). */
type BotManagementFields = { verifiedBot?: unknown; score?: unknown };

function botManagementOf(cf: unknown): BotManagementFields | undefined {
  if (typeof cf !== 'object' || cf === null || !('botManagement' in cf)) return undefined;
  const bm = cf.botManagement;
  return typeof bm === 'object' && bm !== null ? (bm as BotManagementFields) : undefined;
}

/** `userAgent`: the User-Agent header; `cf`: the request's `cf` object (undefined outside Cloudflare). */
export function botVerdict(userAgent: string | null | undefined, cf: unknown): BotVerdict {
  const bm = botManagementOf(cf);
  if (bm?.verifiedBot === true) return { bot: true, by: 'verified-bot' };
  if (typeof bm?.score === 'number' && bm.score >= 1 && bm.score <= BOT_SCORE_MAX) return { bot: true, by: 'bot-score' };
  if (userAgent && isbot(userAgent)) return { bot: true, by: 'user-agent' };
  return HUMAN;
}
