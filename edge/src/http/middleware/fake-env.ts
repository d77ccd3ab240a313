/**
 * A plain-Node stand-in for the worker's Env in middleware tests: a Map-backed CONFIG KV holding
 * the given sites, and a test secret. Only what the middleware touch exists.
 */
import { Hono } from 'hono';
import type { SiteConfigInput } from '../../../../protocol/config/site';
import { DEMO_SITE } from '../../demo/seed';
import type { AppEnv } from '../app-env';
import { answerError } from '../errors';

export const SHOP_ORIGIN = 'https://shop.example';
export const TEST_SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';

export function testSite(overrides: Partial<SiteConfigInput> = {}): SiteConfigInput {
  return { ...DEMO_SITE, id: 'shop', version: 1, origins: [SHOP_ORIGIN], ...overrides };
}

export function fakeEnv(sites: SiteConfigInput[] = [testSite()]): Env {
  const values = new Map(sites.map((site) => [`site:${site.id}`, JSON.stringify(site)]));
  const kv = {
    get: async (key: string, type?: string) => {
      const value = values.get(key);
      if (value === undefined) return null;
      return type === 'json' ? JSON.parse(value) : value;
    },
    put: async (key: string, value: string) => void values.set(key, value),
  };
  // Only CONFIG and the secret are read by the middleware; the rest of Env is never touched.
  return { CONFIG: kv as unknown as KVNamespace, WM_SECRET: TEST_SECRET } as Partial<Env> as Env;
}

/** An app with the worker's error answers, so a thrown HttpError becomes its status as in production. */
export function testApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(answerError);
  return app;
}
