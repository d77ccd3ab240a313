/**
 * The Waymark edge worker. Routes stay thin: their middleware (http/middleware/) parse the body,
 * load the site, check the Origin, decide consent and resolve the visitor into `c.var`; the handler
 * calls one use case (usecases/), which calls the domain modules and the Durable Objects.
 */
import { Hono } from 'hono';
import { WM_PREFIX } from '../../protocol/limits';
import type { ErrorResponse } from '../../protocol/wire';
import { answerError } from './http/errors';
import type { AppEnv } from './http/app-env';
import { preflight } from './http/middleware/origin';
import { collect } from './routes/collect';
import { decide } from './routes/decide';
import { profile } from './routes/profile';
import { proxyPage } from './routes/proxy';
import { ADMIN_API_PREFIX, adminApi } from './admin/routes';
import { demoSink } from './webhooks/demo-sink';
import { demoRoutes } from './demo/routes';
import { consumeAnalytics } from './analytics/queue';

export { VisitorProfile } from './profile/visitor-profile';
export { AdminStore } from './admin/admin-store';
export { SiteAnalytics } from './analytics/site-analytics';

const app = new Hono<AppEnv>();

app.options(`${WM_PREFIX}/*`, preflight);

app.get(`${WM_PREFIX}/health`, (c) => c.json({ ok: true }));
app.route(WM_PREFIX, collect);
app.route(WM_PREFIX, profile);
app.route(WM_PREFIX, decide);
app.route(ADMIN_API_PREFIX, adminApi);
// Local demo only (WM_DEMO): a webhook receiver that checks signatures (webhooks/demo-sink.ts).
app.route(WM_PREFIX, demoSink);
app.route(WM_PREFIX, demoRoutes); // POST /_wm/demo/seed, only with WM_DEMO (demo/routes.ts)
// Everything outside /_wm/: proxy mode (or the static files when the site is not proxied). Last.
app.all('*', proxyPage);

app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } satisfies ErrorResponse, 404));

app.onError(answerError);

// fetch: the app; queue: journey-analytics batches into each site's store (analytics/queue.ts).
export default { fetch: app.fetch, queue: consumeAnalytics } satisfies ExportedHandler<Env>;
