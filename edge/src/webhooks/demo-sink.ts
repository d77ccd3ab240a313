/**
 * A webhook receiver for the local demo and the e2e tests, only when WM_DEMO is set:
 * `POST /_wm/demo/webhook-sink?webhook=<id>[&site=<id>]` verifies the Standard Webhooks headers with
 * that webhook's active secrets (verifyWebhook, as any integrator would), notes whether the legacy
 * `Waymark-Signature` checks out too, records what arrived, and answers 204 (or 401 when the
 * signature is wrong). `GET` lists what it received, newest first. Records live in KV for an hour.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ErrorResponse } from '../../../protocol/wire';
import { siteIdSchema } from '../../../protocol/wire';
import { slugSchema } from '../../../protocol/config/personalization';
import { HttpError } from '../http/errors';
import { readBodyText } from '../http/body';
import { isDemo, loadSite, type AppEnv } from '../http/site-context';
import { SIGNATURE_HEADER, verifySignature } from './sign';
import { verifyWebhook } from '../net/standard-webhooks';
import { activeSecrets } from './secret';

export const DEMO_SINK_PATH = '/demo/webhook-sink';
const KEY_PREFIX = 'demo-webhook-sink:';
const MAX_BODY = 64 * 1024;

export type SinkRecord = {
  at: number;
  site: string;
  webhook: string;
  delivery: string | null;
  attempt: string | null;
  /** The Standard Webhooks `webhook-id` and `webhook-timestamp` as received. */
  webhookId: string | null;
  webhookTimestamp: string | null;
  /** Standard Webhooks verification (verifyWebhook). */
  verified: boolean;
  reason: string | null;
  /** The legacy `Waymark-Signature` (sent for one release during the migration). */
  legacyVerified: boolean;
  body: unknown;
};

const query = z.object({ site: siteIdSchema.default('demo'), webhook: slugSchema });

export const demoSink = new Hono<AppEnv>();

demoSink.use(DEMO_SINK_PATH, async (c, next) => {
  // Not part of any deployment: without WM_DEMO the path does not exist.
  if (!isDemo(c.env)) return c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404);
  c.header('Cache-Control', 'no-store');
  await next();
});

demoSink.post(DEMO_SINK_PATH, async (c) => {
  const q = query.safeParse({ site: c.req.query('site'), webhook: c.req.query('webhook') });
  if (!q.success) throw new HttpError(400, `query: ${q.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const site = await loadSite(c, q.data.site);
  const webhook = site.webhooks.find((w) => w.id === q.data.webhook);
  if (!webhook) throw new HttpError(404, `no webhook "${q.data.webhook}" in site "${site.id}"`);
  const text = await readBodyText(c.req.raw, MAX_BODY);
  const now = Date.now();
  const verdict = await verifyWebhook(activeSecrets(webhook, now), c.req.raw.headers, text, now);
  const legacy = await verifySignature(webhook.secret, text, c.req.header(SIGNATURE_HEADER) ?? null, now);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: the record shows what arrived.
  }
  const record: SinkRecord = {
    at: Date.now(),
    site: site.id,
    webhook: webhook.id,
    delivery: c.req.header('waymark-delivery') ?? null,
    attempt: c.req.header('waymark-attempt') ?? null,
    webhookId: c.req.header('webhook-id') ?? null,
    webhookTimestamp: c.req.header('webhook-timestamp') ?? null,
    verified: verdict.ok,
    reason: verdict.ok ? null : verdict.reason,
    legacyVerified: legacy.ok,
    body,
  };
  // Zero-padded time first: KV lists keys in order.
  await c.env.CONFIG.put(`${KEY_PREFIX}${site.id}:${String(record.at).padStart(15, '0')}:${crypto.randomUUID()}`, JSON.stringify(record), {
    expirationTtl: 3600,
  });
  return verdict.ok ? c.body(null, 204) : c.json({ error: `signature refused: ${verdict.reason}` } satisfies ErrorResponse, 401);
});

demoSink.get(DEMO_SINK_PATH, async (c) => {
  const site = siteIdSchema.safeParse(c.req.query('site') ?? 'demo');
  if (!site.success) throw new HttpError(400, 'site: invalid');
  const listed = await c.env.CONFIG.list({ prefix: `${KEY_PREFIX}${site.data}:`, limit: 100 });
  const records = await Promise.all(listed.keys.map((k) => c.env.CONFIG.get<SinkRecord>(k.name, 'json')));
  return c.json({ received: records.filter((r): r is SinkRecord => r !== null).reverse() });
});
