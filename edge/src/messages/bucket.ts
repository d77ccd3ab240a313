/**
 * Deterministic A/B bucketing: the same visitor always lands in the same place for a message
 * (no storage needed, identical at every edge location), and their places for different
 * messages are independent. Not cryptographic: it only has to be uniform and stable.
 */
import type { Message, Variant } from '../../../protocol/config/messages';

/** FNV-1a 32-bit over UTF-16 code units, then murmur3's finalizer. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV-1a alone mixes the last characters weakly into the high bits, and the bucket is read
  // from the high bits (h / 2^32): the finalizer spreads every input bit over all output bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1), fixed for this visitor and message. */
export function bucket(visitorId: string, messageId: string): number {
  // The message id is part of the key, so a visitor's buckets for two messages are unrelated
  // (being in one message's holdout says nothing about another's).
  return hash32(`${messageId}:${visitorId}`) / 4_294_967_296;
}

export type Assignment = { holdout: true; bucket: number } | { holdout: false; variant: Variant; bucket: number };

/**
 * The first `holdout` percent of the bucket space is the control group; the rest is split by the
 * variants' weights, in their order. Changing the holdout or the weights moves some visitors.
 */
export function assignVariant(message: Pick<Message, 'id' | 'holdout' | 'variants'>, visitorId: string): Assignment {
  const b = bucket(visitorId, message.id);
  const h = message.holdout / 100;
  if (b < h) return { holdout: true, bucket: b };
  // Rescale the rest of the space to [0, 1), then walk the cumulative weights.
  const r = (b - h) / (1 - h);
  const total = message.variants.reduce((sum, v) => sum + v.weight, 0);
  let acc = 0;
  for (const variant of message.variants) {
    acc += variant.weight / total;
    if (r < acc) return { holdout: false, variant, bucket: b };
  }
  // Floating-point rounding can leave r a hair above the last sum: that is the last variant.
  const last = message.variants[message.variants.length - 1];
  if (!last) throw new Error(`message "${message.id}" has no variants`);
  return { holdout: false, variant: last, bucket: b };
}
