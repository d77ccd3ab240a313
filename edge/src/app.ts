/**
 * The Waymark edge app (Hono). Routes stay thin: their middleware (http/middleware/) parse the body,
 * load the site, check the Origin, decide consent and resolve the visitor into `c.var`; the handler
 * calls one use case (usecases/), which calls the domain modules and the Durable Objects.
 * Its own module so tests can list its routes (`app.routes`); index.ts is the Worker's entry.
 */
import { Hono } from 'hono';
import { WM_PREFIX } from '../../protocol/limits';
import type { ErrorResponse } from '../../protocol/wire';
import { answerError } from './http/errors';
import type { AppEnv } from './http/app-env';
import { noSharedCaching } from './http/middleware/cache-control';
import { preflight } from './http/middleware/origin';
import { collect } from './routes/collect';
import { decide } from './routes/decide';
import { profile } from './routes/profile';
import { proxyPage } from './routes/proxy';
import { ADMIN_API_PREFIX, adminApi } from './admin/routes';
import { demoSink } from './webhooks/demo-sink';
import { demoRoutes } from './demo/routes';
import { demoGa4 } from './destinations/demo-ga4';
import { unsubscribeRoutes } from './email/unsubscribe-routes';
import { mailboxRoutes } from './demo/mailbox-routes';
import { segmentApi } from './segment/routes';

export const app = new Hono<AppEnv>();

// Every answer under /_wm/ (errors and 404s included) is about one caller or the API: no shared
// cache keeps it unless its route says otherwise (found by the header and cache probes).
app.use(`${WM_PREFIX}/*`, noSharedCaching);

app.options(`${WM_PREFIX}/*`, preflight);

app.get(`${WM_PREFIX}/health`, (c) => c.json({ ok: true }));
app.route(WM_PREFIX, collect);
app.route(WM_PREFIX, profile);
app.route(WM_PREFIX, decide);
app.route(`${WM_PREFIX}/v1`, segmentApi); // Segment HTTP Tracking API (segment/routes.ts)
app.route(ADMIN_API_PREFIX, adminApi);
// Local demo only (WM_DEMO): a webhook receiver that checks signatures (webhooks/demo-sink.ts).
app.route(WM_PREFIX, demoSink);
app.route(WM_PREFIX, demoGa4); // Local demo only (WM_DEMO): the GA4-shaped receiver of destinations (destinations/demo-ga4.ts)
app.route(WM_PREFIX, demoRoutes); // POST /_wm/demo/seed, only with WM_DEMO (demo/routes.ts)
app.route(WM_PREFIX, unsubscribeRoutes); // e-mail unsubscribe links (email/unsubscribe-routes.ts)
app.route(WM_PREFIX, mailboxRoutes); // GET /_wm/demo/mailbox, only with WM_DEMO (demo/mailbox-routes.ts)
// Everything outside /_wm/: proxy mode (or the static files when the site is not proxied). Last.
app.all('*', proxyPage);

app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404));

app.onError(answerError);
