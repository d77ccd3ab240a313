/** The cart-abandonment journey and a fresh site to run it on, shared by the journey tests. */
import { env } from 'cloudflare:workers';
import type { SiteConfigInput } from '../../protocol/config/site';
import type { JourneyInput } from '../../protocol/config/journeys';
import type { MessageInput } from '../../protocol/config/messages';
import { ORIGIN } from './helpers';

export const HOOK_URL = 'https://hooks.example.com/waymark';

export const reminder: MessageInput = {
  id: 'reminder',
  name: 'Cart reminder',
  type: 'toast',
  segments: ['never'],
  title: 'Your cart is waiting',
  body: 'Come back to it.',
};

export const cartJourney: JourneyInput = {
  id: 'cart',
  name: 'Cart abandonment',
  entry: { event: 'add_to_cart' },
  goal: { event: 'purchase' },
  steps: [
    { id: 'wait', kind: 'waitFor', event: 'checkout_start', timeoutMinutes: 30, onEvent: 'out' },
    { id: 'remind', kind: 'message', message: 'reminder' },
    { id: 'crm', kind: 'webhook', webhook: 'crm' },
    { id: 'out', kind: 'exit' },
  ],
};

let sites = 0;

/** A fresh site in KV (the edge's 5 s config cache never sees an older one) with the journey. */
export async function journeySite(prefix: string, secret: string, overrides: Partial<SiteConfigInput> = {}): Promise<string> {
  const id = `${prefix}-${Date.now().toString(36)}-${++sites}`;
  const config: SiteConfigInput = {
    id,
    name: 'Journeys test',
    version: 1,
    origins: [ORIGIN],
    consentPolicy: 'opt-out',
    // "never" matches nobody: the reminder shows only through the journey's grant.
    segments: [{ id: 'never', name: 'Nobody', condition: { trait: 'nobody', test: { op: 'eq', value: 'x' } } }],
    messages: [reminder],
    journeys: [cartJourney],
    webhooks: [{ id: 'crm', name: 'CRM', url: HOOK_URL, format: 'json', secret }],
    ...overrides,
  };
  await env.CONFIG.put(`site:${id}`, JSON.stringify(config));
  return id;
}
