/** The object's journey runtime (journeys/runtime.ts), wired to its store and the site's webhook log. */
import { siteAdmin } from '../admin/objects';
import { JourneyRuntime } from '../journeys/runtime';
import { disableWebhook } from '../webhooks/disable';
import { profileFacts } from './decisions';
import type { ProfileStore } from './store/profile-store';
import { EmailSender } from '../email/deliver';
import { emailTransport } from '../email/transports';
import { TIME_ZONE_KEY } from './store/meta-keys';

export function journeyRuntime(env: Env, store: ProfileStore): JourneyRuntime {
  const site = () => store.meta('site') ?? '';
  const emails = new EmailSender({
    store,
    site,
    visitorId: () => store.meta('visitor_id') ?? '',
    secret: env.WM_SECRET,
    suppressed: (address) => siteAdmin(env, site()).emailSuppressed(site(), address),
    log: async (record) => {
      try {
        await siteAdmin(env, site()).recordEmail(site(), record);
      } catch (e) {
        // The visitor's outbox and journey log have it; the site-level copy is for the dashboard.
        console.error('email log: could not record in the site log', e);
      }
    },
    transport: (settings) =>
      emailTransport(settings, { env, token: () => siteAdmin(env, site()).emailToken(site()), fetcher: (input, init) => fetch(input, init) }),
  });
  return new JourneyRuntime({
    emails,
    store,
    site: () => store.meta('site') ?? '',
    visitorId: () => store.meta('visitor_id') ?? '',
    facts: () => profileFacts(store, {}, Date.now()),
    logAttempt: async (attempt) => {
      try {
        const site = store.meta('site') ?? '';
        await siteAdmin(env, site).recordWebhookAttempt(site, attempt);
      } catch (e) {
        // The visitor's own attempt log has it; the site-level copy is for the dashboard.
        console.error('webhook log: could not record the attempt in the site log', e);
      }
    },
    disableWebhook: async (webhook, reason) => {
      try {
        const site = store.meta('site') ?? '';
        if (!(await disableWebhook(siteAdmin(env, site), site, webhook, reason))) console.error(`webhook ${webhook}: could not disable it`);
      } catch (e) {
        // Its next deliveries get 410 again and retry the switch.
        console.error(`webhook ${webhook}: could not disable it`, e);
      }
    },
    // Late-bound, so the runtime's current fetch is used (the guarded fetch wraps it: net/guarded-fetch.ts).
    fetcher: (input, init) => fetch(input, init),
    allowLocalDemo: env.WM_DEMO === '1',
    // Best time: the zone stored at collect time, else UTC (sites have no zone of their own).
    activity: (limit) => ({ history: store.activityTimes(limit), timeZone: store.meta(TIME_ZONE_KEY) ?? 'UTC' }),
  });
}
