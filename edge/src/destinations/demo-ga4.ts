/**
 * The local demo's GA4-shaped receiver, only with WM_DEMO (never on a deployment):
 *   POST /_wm/demo/ga4/mp/collect?measurement_id=…&api_secret=…  validates the Measurement Protocol
 *        payload strictly (providers/documented-shapes.ts): 204 when GA4 would take it, else 400 with
 *        `validationMessages` as GA4's /debug/mp/collect reports them; records what arrived.
 *   GET  /_wm/demo/ga4            a page listing what it received (newest first)
 *   GET  /_wm/demo/ga4/received   the same as JSON (tests)
 * The demo site's GA4 destination points here (demo/seed.ts), so a demo purchase is forwarded.
 * Records live in KV for an hour.
 */
import { Hono } from 'hono';
import type { ErrorResponse } from '../../../protocol/wire';
import { readBodyText } from '../http/body';
import { isDemo, type AppEnv } from '../http/site-context';
import { validateGa4, type ValidationMessage } from './providers/documented-shapes';

export const DEMO_GA4_PATH = '/demo/ga4';
/** The API secret the demo destination is seeded with; the receiver refuses any other (as GA4 would drop the hit). */
export const DEMO_GA4_API_SECRET = 'demo-ga4-api-secret-local-only';
const KEY_PREFIX = 'demo-ga4:';
const MAX_BODY = 130_000;

export type Ga4Record = { at: number; measurementId: string | null; valid: boolean; validationMessages: ValidationMessage[]; body: unknown };

export const demoGa4 = new Hono<AppEnv>();

demoGa4.use(`${DEMO_GA4_PATH}/*`, async (c, next) => {
  if (!isDemo(c.env)) return c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404);
  c.header('Cache-Control', 'no-store');
  await next();
});
demoGa4.use(DEMO_GA4_PATH, async (c, next) => {
  if (!isDemo(c.env)) return c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404);
  c.header('Cache-Control', 'no-store');
  await next();
});

demoGa4.post(`${DEMO_GA4_PATH}/mp/collect`, async (c) => {
  const text = await readBodyText(c.req.raw, MAX_BODY);
  const messages = validateGa4({ url: c.req.url, headers: c.req.raw.headers, body: text });
  const secret = new URL(c.req.url).searchParams.get('api_secret');
  if (secret && secret !== DEMO_GA4_API_SECRET) messages.push({ fieldPath: 'api_secret', description: 'not this stream’s API secret' });
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text: the record shows what arrived.
  }
  const record: Ga4Record = {
    at: Date.now(),
    measurementId: new URL(c.req.url).searchParams.get('measurement_id'),
    valid: messages.length === 0,
    validationMessages: messages,
    body,
  };
  await c.env.CONFIG.put(`${KEY_PREFIX}${String(record.at).padStart(15, '0')}:${crypto.randomUUID()}`, JSON.stringify(record), { expirationTtl: 3600 });
  return messages.length ? c.json({ validationMessages: messages }, 400) : c.body(null, 204);
});

async function received(kv: KVNamespace): Promise<Ga4Record[]> {
  const listed = await kv.list({ prefix: KEY_PREFIX, limit: 200 });
  const records = await Promise.all(listed.keys.map((k) => kv.get<Ga4Record>(k.name, 'json')));
  return records.filter((r): r is Ga4Record => r !== null).reverse();
}

demoGa4.get(`${DEMO_GA4_PATH}/received`, async (c) => c.json({ received: await received(c.env.CONFIG) }));

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

demoGa4.get(DEMO_GA4_PATH, async (c) => {
  const rows = (await received(c.env.CONFIG)).map((r) => {
    const body = r.body as { client_id?: string; user_id?: string; events?: { name?: string }[] };
    const names = Array.isArray(body?.events) ? body.events.map((e) => e?.name ?? '?').join(', ') : '';
    const status = r.valid ? 'valid' : `refused: ${r.validationMessages.map((m) => `${m.fieldPath}: ${m.description}`).join('; ')}`;
    return `<tr><td>${escapeHtml(new Date(r.at).toISOString())}</td><td>${escapeHtml(names)}</td><td>${escapeHtml(String(body?.client_id ?? ''))}</td><td>${escapeHtml(String(body?.user_id ?? ''))}</td><td>${escapeHtml(status)}</td><td><pre>${escapeHtml(JSON.stringify(r.body, null, 2))}</pre></td></tr>`;
  });
  c.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo GA4 receiver</title></head><body><h1>Demo GA4 receiver</h1>` +
      `<p>Measurement Protocol requests the demo site's GA4 destination forwarded here (newest first, kept an hour). Valid ones are answered 204; others 400 with GA4's validation messages.</p>` +
      `<table border="1" cellpadding="4"><thead><tr><th>Received</th><th>Events</th><th>client_id</th><th>user_id</th><th>Validation</th><th>Payload</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="6">Nothing received yet: buy something in the demo shop.</td></tr>'}</tbody></table></body></html>`,
  );
});
