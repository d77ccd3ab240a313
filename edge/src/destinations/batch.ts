/**
 * Splits a destination's due events into requests within the provider's limits (events per
 * request, body bytes, bytes per event; GA4 also one client per request). Pure.
 */
import type { BatchLimits } from './providers/common';

export type Sized<T> = { id: string; item: T; bytes: number; group: string };
export type Batches<T> = { batches: Sized<T>[][]; tooLarge: Sized<T>[] };

/** JSON plus a separator: what one item adds to a request body. */
export const itemBytes = (item: unknown) => new TextEncoder().encode(JSON.stringify(item)).length + 1;

/** In order; each batch one group, at most `maxEvents` items and `maxBytes` (less `overhead` for the envelope). */
export function toBatches<T>(items: readonly Sized<T>[], limits: BatchLimits, overhead = 1_000): Batches<T> {
  const budget = limits.maxBytes - overhead;
  const open = new Map<string, { items: Sized<T>[]; bytes: number }>();
  const batches: Sized<T>[][] = [];
  const tooLarge: Sized<T>[] = [];
  for (const item of items) {
    if (item.bytes > limits.maxEventBytes || item.bytes > budget) {
      tooLarge.push(item);
      continue;
    }
    const current = open.get(item.group);
    if (current && current.items.length < limits.maxEvents && current.bytes + item.bytes <= budget) {
      current.items.push(item);
      current.bytes += item.bytes;
      continue;
    }
    const next = { items: [item], bytes: item.bytes };
    batches.push(next.items);
    open.set(item.group, next);
  }
  return { batches, tooLarge };
}
