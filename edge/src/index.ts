/** The Waymark edge worker: the app (app.ts), the analytics queue consumer and the Durable Objects. */
import { app } from './app';
import { consumeAnalytics } from './analytics/queue';

export { VisitorProfile } from './profile/visitor-profile';
export { AdminStore } from './admin/admin-store';
export { SiteAdmin } from './admin/site-admin';
export { AdminSession } from './admin/session-object';
export { SiteAnalytics } from './analytics/site-analytics';
export { SiteDestinations } from './destinations/site-destinations';

// fetch: the app; queue: journey-analytics batches into each site's store (analytics/queue.ts).
export default { fetch: app.fetch, queue: consumeAnalytics } satisfies ExportedHandler<Env>;
