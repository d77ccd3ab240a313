import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RejectedEvent, WireEvent } from '../../../protocol/wire';
import { checkIdentifies, identifyKey, signUserId, verifySignedUserId } from './signed';
import { browserJourneyWins } from './stitch';

const secret = 's'.repeat(40);
const base = { ts: 1, sid: 'session-1', url: 'https://shop.example/' };
const identify = (id: string, userId: string): WireEvent => ({ ...base, id, type: 'identify', userId });
const track = (id: string): WireEvent => ({ ...base, id, type: 'track', name: 'add_to_cart' });

describe('signed identify', () => {
  it('signs exactly as the documented Node snippet does, and the key is HMAC(secret, "identify:"+site)', async () => {
    const key = await identifyKey(secret, 'shop');
    expect(key).toBe(createHmac('sha256', secret).update('identify:shop').digest('base64url'));
    const sig = await signUserId(key, 'shop', 'u-42');
    expect(sig).toBe(
      createHmac('sha256', key)
        .update('shop' + ':' + 'u-42')
        .digest('base64url'),
    );
    expect(await identifyKey(secret, 'other')).not.toBe(key);
  });

  it('verifies and strips a signature; a user id may itself contain dots', async () => {
    const key = await identifyKey(secret, 'shop');
    expect(await verifySignedUserId(key, 'shop', `u-42.${await signUserId(key, 'shop', 'u-42')}`)).toEqual({ kind: 'verified', userId: 'u-42' });
    expect(await verifySignedUserId(key, 'shop', `a.b.c.${await signUserId(key, 'shop', 'a.b.c')}`)).toEqual({ kind: 'verified', userId: 'a.b.c' });
  });

  it('tells unsigned from wrongly signed ids', async () => {
    const key = await identifyKey(secret, 'shop');
    const sig = await signUserId(key, 'shop', 'alice');
    expect(await verifySignedUserId(key, 'shop', 'alice')).toEqual({ kind: 'unsigned' });
    expect(await verifySignedUserId(key, 'shop', 'first.last')).toEqual({ kind: 'unsigned' });
    expect(await verifySignedUserId(key, 'shop', `.${sig}`)).toEqual({ kind: 'unsigned' });
    // Another user's, another site's, another key's signature; a tampered one.
    expect(await verifySignedUserId(key, 'shop', `bob.${sig}`)).toEqual({ kind: 'invalid' });
    expect(await verifySignedUserId(key, 'other', `alice.${sig}`)).toEqual({ kind: 'invalid' });
    expect(await verifySignedUserId(await identifyKey(secret, 'other'), 'shop', `alice.${sig}`)).toEqual({ kind: 'invalid' });
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(await verifySignedUserId(key, 'shop', `alice.${flipped}`)).toEqual({ kind: 'invalid' });
  });

  it('refuses unsigned identifies per event, with their index in the original batch, when required', async () => {
    const key = await identifyKey(secret, 'shop');
    const signed = `carol.${await signUserId(key, 'shop', 'carol')}`;
    // The original batch: [bad, track, identify(unsigned), identify(signed), bad, identify(forged)].
    const earlier: RejectedEvent[] = [
      { index: 0, reason: 'bad' },
      { index: 4, reason: 'bad' },
    ];
    const events = [track('e1'), identify('e2', 'mallory'), identify('e3', signed), identify('e5', `carol.${'A'.repeat(43)}`)];
    const out = await checkIdentifies(events, earlier, { key, site: 'shop', required: true });
    expect(out.events).toEqual([track('e1'), identify('e3', 'carol')]);
    expect(out.rejected.map((r) => [r.index, r.id])).toEqual([
      [0, undefined],
      [2, 'e2'],
      [4, undefined],
      [5, 'e5'],
    ]);
    expect(out.rejected[1]?.reason).toMatch(/requires a signed identify/);
    expect(out.rejected[3]?.reason).toMatch(/signature is not valid/);
  });

  it('checks an alias userId as an identify: refused unsigned or forged when required, stripped when valid', async () => {
    const key = await identifyKey(secret, 'shop');
    const alias = (id: string, userId: string, previousId?: string): WireEvent => ({
      ...base,
      id,
      type: 'alias',
      userId,
      ...(previousId ? { previousId } : {}),
    });
    const signed = `erin.${await signUserId(key, 'shop', 'erin')}`;
    const forged = `mallory.${await signUserId(key, 'shop', 'erin')}`;
    const out = await checkIdentifies([alias('e1', 'victim', 'anon-1'), alias('e2', forged), alias('e3', signed, 'anon-1')], [], {
      key,
      site: 'shop',
      required: true,
    });
    expect(out.events).toEqual([alias('e3', 'erin', 'anon-1')]);
    expect(out.rejected.map((r) => [r.index, r.reason.slice(0, 40)])).toEqual([
      [0, 'userId: this site requires a signed iden'],
      [1, 'userId: the identify signature is not va'],
    ]);
  });

  it('passes unsigned ids unchanged when not required, still stripping a valid signature', async () => {
    const key = await identifyKey(secret, 'shop');
    const signed = `dave.${await signUserId(key, 'shop', 'dave')}`;
    const out = await checkIdentifies([identify('e1', 'first.last'), identify('e2', signed)], [], { key, site: 'shop', required: false });
    expect(out).toEqual({ events: [identify('e1', 'first.last'), identify('e2', 'dave')], rejected: [] });
    const long = await checkIdentifies([identify('e1', 'x'.repeat(201))], [], { key, site: 'shop', required: false });
    expect(long.rejected).toEqual([{ index: 0, id: 'e1', reason: 'userId: longer than 200 characters' }]);
  });
});

describe('journey state on handover', () => {
  const active = { status: 'active', entered_at: 100 };
  it('a journey already active in the golden record wins; a missing one is taken', () => {
    expect(browserJourneyWins(null, active)).toBe(true);
    expect(browserJourneyWins({ status: 'active', ended_at: null, step_since: 50 }, active)).toBe(false);
    expect(browserJourneyWins(null, { status: 'exited', entered_at: 100 })).toBe(true);
  });
  it('an ended golden run yields only to a browser run that started after it ended (so a repeat changes nothing)', () => {
    expect(browserJourneyWins({ status: 'exited', ended_at: 90, step_since: 90 }, active)).toBe(true);
    expect(browserJourneyWins({ status: 'exited', ended_at: 120, step_since: 120 }, active)).toBe(false);
    expect(browserJourneyWins({ status: 'converted', ended_at: 90, step_since: 90 }, { status: 'exited', entered_at: 100 })).toBe(false);
  });
});
