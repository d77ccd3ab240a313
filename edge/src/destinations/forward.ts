/**
 * Which stored events go to which destination: never a consent event, only enabled destinations,
 * the event name filter, and the consent categories the destination requires (analytics is implied:
 * the queue only carries stored events). Pure.
 */
import { passesEventFilter, type Destination } from '../../../protocol/config/destinations';
import type { WireEvent } from '../../../protocol/wire';
import type { ForwardableEvent } from './providers/common';

/** The consent a queued batch carried (analytics/feed.ts): personalization unknown counts as not given. */
export type BatchConsent = { personalization: boolean };

export const forwardable = (e: WireEvent): e is ForwardableEvent => e.type !== 'consent';

export function accepts(destination: Destination, event: WireEvent, consent: BatchConsent | undefined): event is ForwardableEvent {
  if (!destination.enabled || !forwardable(event)) return false;
  if (destination.filters.consent.includes('personalization') && consent?.personalization !== true) return false;
  return passesEventFilter(destination.filters, event);
}
