/**
 * The rows of the site-level delivery log: what a visitor profile reports for each webhook attempt
 * (journeys/runtime.ts) and what the admin API returns. The table and its SQL are the site's
 * SiteAdmin's (admin/webhook-log.ts).
 */
import type { DeliveryOutcome, DeliveryRecord } from '../../../protocol/admin';

export type { DeliveryOutcome };

/** What a visitor profile reports for one attempt (times in epoch milliseconds). */
export type DeliveryAttempt = DeliveryRecord<number>;

/** As the admin API returns it (times as ISO strings): defined once in protocol/admin.ts. */
export type { DeliveryLogEntry } from '../../../protocol/admin';
