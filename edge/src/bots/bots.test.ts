// The bot verdict in plain Node: real crawler, headless and HTTP-library user agents are bots;
// real browsers and in-app webviews are not; Cloudflare's Bot Management fields where present.
import { describe, expect, it } from 'vitest';
import { BOT_SCORE_MAX, botVerdict } from './bots';
import { BOT_USER_AGENTS, BROWSER_USER_AGENTS } from './user-agents';

describe('botVerdict: user agents', () => {
  it.each(Object.entries(BOT_USER_AGENTS))('%s is a bot', (_name, ua) => {
    expect(botVerdict(ua, undefined)).toEqual({ bot: true, by: 'user-agent' });
  });

  it.each(Object.entries(BROWSER_USER_AGENTS))('%s is not a bot', (_name, ua) => {
    expect(botVerdict(ua, undefined)).toEqual({ bot: false });
  });

  it('a missing or empty User-Agent is not a bot (no verdict without evidence)', () => {
    expect(botVerdict(undefined, undefined).bot).toBe(false);
    expect(botVerdict(null, {}).bot).toBe(false);
    expect(botVerdict('', {}).bot).toBe(false);
  });
});

describe('botVerdict: Cloudflare Bot Management', () => {
  const chrome = BROWSER_USER_AGENTS['Chrome Windows'];

  it('a verified bot is a bot whatever its user agent says', () => {
    expect(botVerdict(chrome, { botManagement: { verifiedBot: true, score: 99 } })).toEqual({ bot: true, by: 'verified-bot' });
  });

  it(`a score of 1..${BOT_SCORE_MAX} is a bot; above it, 0 (not computed) and absent fields are not`, () => {
    expect(botVerdict(chrome, { botManagement: { verifiedBot: false, score: 1 } })).toEqual({ bot: true, by: 'bot-score' });
    expect(botVerdict(chrome, { botManagement: { verifiedBot: false, score: BOT_SCORE_MAX + 1 } }).bot).toBe(false);
    expect(botVerdict(chrome, { botManagement: { verifiedBot: false, score: 29 } }).bot).toBe(false);
    expect(botVerdict(chrome, { botManagement: { score: 0 } }).bot).toBe(false);
    expect(botVerdict(chrome, { botManagement: {} }).bot).toBe(false);
    expect(botVerdict(chrome, { colo: 'AMS' }).bot).toBe(false); // a zone without Bot Management
    expect(botVerdict(chrome, { botManagement: null }).bot).toBe(false);
    expect(botVerdict(chrome, { botManagement: { verifiedBot: 'true', score: '1' } }).bot).toBe(false); // wrong types are no evidence
  });

  it('the user agent still counts when Cloudflare says human', () => {
    expect(botVerdict(BOT_USER_AGENTS['curl'], { botManagement: { verifiedBot: false, score: 90 } })).toEqual({ bot: true, by: 'user-agent' });
  });
});
