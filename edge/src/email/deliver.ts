/**
 * Sends the e-mails a visitor's journeys queued (the visitor object's alarm, beside the webhook
 * deliveries, with the same lease and the same retry schedule: webhooks/retry.ts). Each one is
 * checked when it goes (policy.ts: address, consent, suppression, cap), rendered for the profile
 * as it is then (render.ts), given its signed unsubscribe link (unsubscribe.ts) and handed to the
 * site's provider adapter. Every outcome goes to the site's delivery log and the journey's log.
 */
import type { SiteConfig } from '../../../protocol/config/site';
import type { EmailSettings, EmailTemplate } from '../../../protocol/config/email';
import type { EmailStatus } from '../../../protocol/email';
import type { ProfileStore } from '../profile/store/profile-store';
import { afterAttempt, type Outcome } from '../webhooks/retry';
import type { EmailLogRecord } from './site-store';
import { checkSend, maskAddress } from './policy';
import { renderEmail, type MergeData } from './render';
import type { OutgoingEmail } from './mime';
import type { EmailTransport, SendResult } from './transport';
import { signUnsubscribe, unsubscribeUrl, UNSUBSCRIBE_TTL_MS } from './unsubscribe';

/** Longer than a provider call can take (retry.ts DELIVERY_TIMEOUT_MS). */
const LEASE_MS = 2 * 60_000;

export type EmailHost = {
  store: ProfileStore;
  site: () => string;
  visitorId: () => string;
  /** WM_SECRET: the unsubscribe tokens' key is derived from it. */
  secret: string;
  suppressed: (address: string) => Promise<boolean>;
  log: (record: EmailLogRecord) => Promise<void>;
  transport: (settings: EmailSettings) => Promise<EmailTransport>;
};

/** The status a provider's answer gives the log: a 400/422 refusal is a bounce (the address or message was refused). */
export function logStatus(outcome: Outcome, result: SendResult): EmailStatus {
  if (outcome.kind === 'delivered') return 'sent';
  if (outcome.kind === 'retry') return 'retrying';
  return result.status === 400 || result.status === 422 ? 'bounced' : 'failed';
}

/** Where the unsubscribe link points: the configured origin, else the site's first origin. */
export function unsubscribeOrigin(config: Pick<SiteConfig, 'origins' | 'email'>): string | null {
  return config.email?.unsubscribeOrigin ?? config.origins[0] ?? null;
}

/** One e-mail for one address: rendered with the profile's data and a fresh unsubscribe link. */
export async function composeEmail(
  config: Pick<SiteConfig, 'id' | 'name' | 'origins' | 'email'>,
  template: EmailTemplate,
  to: string,
  profile: Omit<MergeData, 'site' | 'unsubscribeUrl'> & { key: { kind: 'u' | 'v'; id: string } },
  id: string,
  secret: string,
  now: number,
): Promise<OutgoingEmail | null> {
  const settings = config.email;
  const origin = unsubscribeOrigin(config);
  if (!settings?.sender || !origin) return null;
  const token = await signUnsubscribe(secret, { site: config.id, address: to, profile: profile.key, expiresAt: now + UNSUBSCRIBE_TTL_MS });
  const link = unsubscribeUrl(origin, config.id, token);
  const rendered = renderEmail(template, { ...profile, site: { id: config.id, name: config.name }, unsubscribeUrl: link });
  return { id, from: settings.sender, to, ...rendered, unsubscribeUrl: link, site: config.id };
}

export class EmailSender {
  constructor(private readonly host: EmailHost) {}

  enqueue(template: string, journey: string, step: string, now: number): void {
    this.host.store.emails.enqueue(crypto.randomUUID(), template, journey, step, now);
  }

  nextDue(): number | null {
    return this.host.store.emails.nextDue();
  }

  async deliverDue(config: SiteConfig, now: () => number): Promise<void> {
    const { store } = this.host;
    const outbox = store.emails;
    for (const row of outbox.due(now())) {
      const attempt = row.attempts + 1;
      outbox.lease(row.id, attempt, now() + LEASE_MS);
      const settings = config.email;
      const base = { delivery: row.id, journey: row.journey, step: row.step, template: row.template, attempt };
      const journeyLog = (what: string) => store.journeys.writeLog([{ at: now(), journey: row.journey, step: row.step, what }]);
      const profile = { traits: store.keyValues('traits'), prefs: store.keyValues('prefs') };
      const check = settings
        ? await checkSend(settings, profile, row.template, {
            suppressed: this.host.suppressed,
            sentInWindow: (since) => outbox.sentSince(since),
            now: now(),
          })
        : ({ ok: false, reason: 'no-template', detail: 'the site has no e-mail settings' } as const);
      if (!check.ok || !settings) {
        const reason = check.ok ? 'no-template' : check.reason;
        outbox.settle(row.id, 'skipped', null, reason, now());
        journeyLog(`e-mail "${row.template}" skipped: ${reason}`);
        await this.host.log({ ...base, at: now(), recipient: '', status: 'skipped', reason, provider: settings?.provider ?? '', providerMessageId: null });
        continue;
      }
      const template = settings.templates.find((t) => t.id === row.template)!;
      const userId = store.userId();
      const key = userId ? ({ kind: 'u', id: userId } as const) : ({ kind: 'v', id: this.host.visitorId() } as const);
      const email = await composeEmail(config, template, check.address, { ...profile, userId, key }, row.id, this.host.secret, now());
      const transport = await this.host.transport(settings);
      const result: SendResult = email
        ? await transport.send(email)
        : { status: null, error: 'no origin for the unsubscribe link (set email.unsubscribeOrigin)', refused: true };
      const outcome = afterAttempt(attempt, result, now());
      const status = logStatus(outcome, result);
      outbox.settle(
        row.id,
        outcome.kind === 'delivered' ? 'sent' : outcome.kind === 'retry' ? 'pending' : 'failed',
        outcome.kind === 'retry' ? outcome.at : null,
        outcome.kind === 'delivered' ? null : outcome.reason,
        now(),
      );
      journeyLog(
        status === 'sent' ? `e-mail "${row.template}" sent` : `e-mail "${row.template}" ${status}: ${outcome.kind === 'delivered' ? '' : outcome.reason}`,
      );
      await this.host.log({
        ...base,
        at: now(),
        recipient: maskAddress(check.address),
        status,
        reason: outcome.kind === 'delivered' ? null : outcome.reason,
        provider: transport.provider,
        providerMessageId: result.providerId ?? null,
      });
    }
  }
}
