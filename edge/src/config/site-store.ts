/**
 * KV adapter for site configuration, with an in-isolate cache so the hot path (every collect
 * request) does not read KV. A changed config is picked up within CACHE_MS; a value that fails
 * validation is logged and the last good one keeps serving. Every write also keeps an immutable
 * copy per version, which visitor objects load by the version a request names (getVersion).
 */
import { siteConfigSchema, type SiteConfig, type SiteConfigInput } from '../../../protocol/config/site';
import { readStoredConfig } from '../../../protocol/config/stored';

export const CACHE_MS = 5_000;
const siteKey = (id: string) => `site:${id}`;
/**
 * The immutable copy of one version. Not under `site:` (admin lists that prefix as site ids);
 * expires after VERSION_TTL_SECONDS, long after any request that named it.
 */
const versionKey = (id: string, version: number) => `siteversion:${id}@${version}`;
const VERSION_TTL_SECONDS = 30 * 86_400;

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
    const parsed = readStored(id, raw);
    if (!parsed.success) {
      console.error(`site ${id}: stored config is invalid, keeping the last good one`, parsed.issues);
      if (cached?.config) {
        this.cache.set(id, { config: cached.config, fetchedAt: this.now() });
        return cached.config;
      }
      throw new Error(`site ${id} has no valid configuration`);
    }
    this.cache.set(id, { config: parsed.data, fetchedAt: this.now() });
    return parsed.data;
  }

  /**
   * The config as of `version` (a request read it moments ago): its immutable copy, or else the
   * latest when that is the same version or newer (configs written straight to KV have no copy).
   * Null when neither exists or validates.
   */
  async getVersion(id: string, version: number): Promise<SiteConfig | null> {
    const exact = readStored(id, await this.kv.get(versionKey(id, version), 'json'));
    if (exact.success && exact.data.id === id) return exact.data;
    const latest = readStored(id, await this.kv.get(siteKey(id), 'json'));
    if (latest.success && latest.data.id === id && latest.data.version >= version) return latest.data;
    return null;
  }

  /** Validates and writes (the latest and its versioned copy); the one write path for site config. */
  async put(config: SiteConfigInput): Promise<SiteConfig> {
    const valid = siteConfigSchema.parse(config);
    const json = JSON.stringify(valid);
    // The copy first: once the latest names a version, its copy can be loaded.
    await this.kv.put(versionKey(valid.id, valid.version), json, { expirationTtl: VERSION_TTL_SECONDS });
    await this.kv.put(siteKey(valid.id), json);
    this.cache.set(valid.id, { config: valid, fetchedAt: this.now() });
    return valid;
  }
}

/**
 * A stored config through protocol/config/stored.ts: items that break a rule added since it was
 * written (or written by hand) are left out and logged, so the rest of the site keeps serving.
 */
function readStored(id: string, raw: unknown): { success: true; data: SiteConfig } | { success: false; issues: string[] } {
  if (raw === null) return { success: false, issues: ['missing'] };
  const read = readStoredConfig(raw);
  if (!read.ok) return { success: false, issues: read.issues };
  if (read.leftOut.length > 0) console.error(`site ${id}: left out of the stored config, as it breaks a rule:`, read.leftOut);
  return { success: true, data: read.config };
}
