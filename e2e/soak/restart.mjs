// Worker crash mid-batch: visitors send batches concurrently while the runtime is killed hard
// (SIGKILL to wrangler and workerd). Every batch answered 200 before the crash must be in the
// profile after the restart (acknowledged = durable), before anything is resent; batches without
// an answer are resent by the "client" with the same ids, as the snippet's outbox does, and in the
// end every event id is stored exactly once. The profiles survive the runtime restarts (Durable
// Object state on disk), which is also the "evicted and reloaded" check over real HTTP.
import { Failures, log, postBatch, profileOf, sleep, trackEvent } from './lib.mjs';

/**
 * @param {{ server: { base: string, kill(): Promise<void> }, restart(): Promise<{ base: string }> }} ctl
 * @param {{ rounds: number, visitors: number, trafficMs: number }} o
 */
export async function restartSoak(ctl, o) {
  const f = new Failures('restart');
  let base = ctl.server.base;
  const stats = { acked: 0, unacked: 0, resent: 0, inFlightAtKill: 0, duplicatesOnResend: 0, rateLimited: 0 };

  // Each visitor: its token, every id it ever made, the ids the edge acknowledged, and its outbox.
  const visitors = [];
  for (let v = 0; v < o.visitors; v++) {
    const first = [trackEvent(base, 'soak_restart', { v, n: -1 })];
    const res = await postBatch(base, first);
    const body = await res.json();
    if (!f.check(res.status === 200 && body.vid, `visitor ${v}: first batch ${res.status} ${JSON.stringify(body).slice(0, 200)}`)) return { f, stats };
    visitors.push({ v, token: body.vid, made: new Set(first.map((e) => e.id)), acked: new Set(body.accepted), outbox: [], n: 0 });
  }

  /** Sends one batch; acknowledged ids leave the outbox, anything else stays for a resend. */
  const send = async (visitor, events, inFlight, requeue = true) => {
    inFlight.add(events);
    try {
      const res = await postBatch(base, events, { vid: visitor.token, signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      if (res.status === 200) {
        const body = JSON.parse(text);
        const answered = new Set([...body.accepted, ...body.duplicates]);
        for (const e of events) f.check(answered.has(e.id), `visitor ${visitor.v}: 200 without an answer for ${e.id}`);
        f.check(body.vid === visitor.token, `visitor ${visitor.v}: the token changed to ${body.vid}`);
        for (const id of body.accepted) visitor.acked.add(id);
        for (const id of body.duplicates) visitor.acked.add(id);
        stats.acked++;
        return body;
      }
      if (res.status === 429) stats.rateLimited++;
      // A 5xx while the runtime goes down is allowed here (it is not an acknowledgement); a 4xx is not.
      else f.check(res.status >= 500, `visitor ${visitor.v}: ${res.status} ${text.slice(0, 200)}`);
    } catch {
      /* connection refused or reset: the crash */
    } finally {
      inFlight.delete(events);
    }
    if (requeue) visitor.outbox.push(events);
    stats.unacked++;
    return null;
  };

  for (let round = 0; round < o.rounds; round++) {
    const inFlight = new Set();
    let crashed = false;
    // Traffic: every visitor sends a fresh 10-event batch about every 250 ms until the crash.
    const traffic = visitors.map(async (visitor) => {
      while (!crashed) {
        const events = Array.from({ length: 10 }, (_, i) => trackEvent(base, 'soak_restart', { v: visitor.v, n: visitor.n, i, pad: 'p'.repeat(500) }));
        visitor.n++;
        for (const e of events) visitor.made.add(e.id);
        if (!(await send(visitor, events, inFlight))) break;
        await sleep(200 + (visitor.v % 5) * 20);
      }
    });
    await sleep(o.trafficMs);
    // Kill while batches are on the wire (waiting at most 5 s for some), not between them.
    for (const t = Date.now(); inFlight.size < 3 && Date.now() - t < 5_000;) await sleep(1);
    stats.inFlightAtKill += inFlight.size;
    log(`restart: round ${round + 1}/${o.rounds}: killing the runtime with ${inFlight.size} batches in flight`);
    crashed = true;
    await ctl.server.kill();
    await Promise.all(traffic);
    ctl.server = await ctl.restart();
    base = ctl.server.base;
    log(`restart: round ${round + 1}/${o.rounds}: runtime back at ${base}`);

    // Before any resend: every acknowledged id is in the profile (nothing acknowledged was lost).
    for (const visitor of visitors) {
      const profile = await profileOf(base, visitor.token);
      const stored = new Set(profile.events.map((e) => e.id));
      const lost = [...visitor.acked].filter((id) => !stored.has(id));
      f.check(
        lost.length === 0,
        `visitor ${visitor.v}, round ${round + 1}: ${lost.length} acknowledged events lost after the crash, e.g. ${lost.slice(0, 3).join(', ')}`,
      );
    }

    // The client resends what was not acknowledged, same ids, until the edge answers.
    for (const visitor of visitors) {
      const pending = visitor.outbox.splice(0);
      for (const events of pending) {
        stats.resent++;
        let ok = false;
        for (let attempt = 0; attempt < 10 && !ok; attempt++) {
          const body = await send(visitor, events, new Set(), false);
          ok = !!body;
          // Stored before the crash, answer lost: the resend is a duplicate, not a second copy.
          if (body) stats.duplicatesOnResend += body.duplicates.length;
          else await sleep(1_100);
        }
        f.check(ok, `visitor ${visitor.v}: a resent batch was never acknowledged`);
      }
    }
  }

  // Every id made is stored exactly once, and nothing else.
  for (const visitor of visitors) {
    const profile = await profileOf(base, visitor.token);
    const ids = profile.events.map((e) => e.id);
    const unique = new Set(ids);
    f.check(unique.size === ids.length, `visitor ${visitor.v}: ${ids.length - unique.size} events stored twice`);
    f.check(profile.eventCount === ids.length, `visitor ${visitor.v}: eventCount ${profile.eventCount} but ${ids.length} events exported`);
    const missing = [...visitor.made].filter((id) => !unique.has(id));
    const extra = [...unique].filter((id) => !visitor.made.has(id));
    f.check(missing.length === 0, `visitor ${visitor.v}: ${missing.length} events missing after resends, e.g. ${missing.slice(0, 3).join(', ')}`);
    f.check(extra.length === 0, `visitor ${visitor.v}: ${extra.length} unknown events stored`);
  }
  // Otherwise the crashes only ever fell between batches and proved nothing about mid-batch ones.
  f.check(stats.unacked > 0, 'no batch was in flight at any of the kills');
  const made = visitors.reduce((s, v) => s + v.made.size, 0);
  log(
    `restart: ${o.rounds} crashes, ${visitors.length} visitors, ${made} events; ${stats.acked} batches acknowledged, ` +
      `${stats.unacked} unanswered (${stats.inFlightAtKill} in flight at the kills), ${stats.resent} resent ` +
      `(${stats.duplicatesOnResend} events of them already stored), ${stats.rateLimited} rate-limited`,
  );
  return { f, stats };
}
