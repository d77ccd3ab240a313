/**
 * The rows of the site-level delivery log: what a visitor profile reports for each webhook attempt
 * (journeys/runtime.ts) and what the admin API returns. The table and its SQL are AdminStore's
 * (admin/webhook-log.ts).
 */
import type { DeliveryOutcome } from '../../../protocol/admin';

export type { DeliveryOutcome };

export type DeliveryAttempt = {
  webhook: string;
  /** The delivery (one queued call); its attempts share it. */
  delivery: string;
  visitor: string;
  journey: string;
  step: string;
  attempt: number;
  at: number;
  outcome: DeliveryOutcome;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** When the next attempt is due (outcome `retry`). */
  nextAt: number | null;
};

/** As the admin API returns it (times as ISO strings): defined once in protocol/admin.ts. */
export type { DeliveryLogEntry } from '../../../protocol/admin';
