/**
 * KV adapter for site configuration, with an in-isolate cache so the hot path (every collect
 * request) does not read KV. A changed config is picked up within CACHE_MS; a value that fails
 * validation is logged and the last good one keeps serving.
 */
import { siteConfigSchema, type SiteConfig, type SiteConfigInput } from '../../../protocol/config/site';

export const CACHE_MS = 5_000;
const siteKey = (id: string) => `site:${id}`;

type Cached = { config: SiteConfig | null; fetchedAt: number };

export class SiteStore {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly kv: KVNamespace,
    private readonly now: () => number = Date.now,
  ) {}

  /** The site's config, or null when there is no such site. */
  async get(id: string): Promise<SiteConfig | null> {
    const cached = this.cache.get(id);
    if (cached && this.now() - cached.fetchedAt < CACHE_MS) return cached.config;
    const raw = await this.kv.get(siteKey(id), 'json');
    if (raw === null) {
      this.cache.set(id, { config: null, fetchedAt: this.now() });
      return null;
    }
    const parsed = siteConfigSchema.safeParse(raw);
    if (!parsed.success) {
      console.error(`site ${id}: stored config is invalid, keeping the last good one`, parsed.error.issues);
      if (cached?.config) {
        this.cache.set(id, { config: cached.config, fetchedAt: this.now() });
        return cached.config;
      }
      throw new Error(`site ${id} has no valid configuration`);
    }
    this.cache.set(id, { config: parsed.data, fetchedAt: this.now() });
    return parsed.data;
  }

  /** Validates and writes; the one write path for site config. */
  async put(config: SiteConfigInput): Promise<SiteConfig> {
    const valid = siteConfigSchema.parse(config);
    await this.kv.put(siteKey(valid.id), JSON.stringify(valid));
    this.cache.set(valid.id, { config: valid, fetchedAt: this.now() });
    return valid;
  }
}
