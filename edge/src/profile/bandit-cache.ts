import type { Message } from '../../../protocol/config/messages';
import type { BanditTable } from '../analytics/bandit';

/** Thompson-sampling weights the site's analytics store publishes (analytics/bandit.ts), re-read at most once a minute. */
export class BanditCache {
  private cached: { table: BanditTable | null; at: number } | null = null;

  constructor(private readonly kv: KVNamespace) {}

  get table(): BanditTable | null {
    return this.cached?.table ?? null;
  }

  async load(site: string, messages: readonly Message[], now: number): Promise<void> {
    if (!messages.some((m) => m.bandit)) return;
    if (this.cached && now - this.cached.at < 60_000) return;
    // Written by SiteAnalytics from its own computation (never from request input).
    this.cached = { table: await this.kv.get<BanditTable>(`bandit:${site}`, 'json'), at: now };
  }
}
