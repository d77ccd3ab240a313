/** Every destination kind's mapping (one module each, beside this file). */
import type { Destination, DestinationKind } from '../../../../protocol/config/destinations';
import type { Provider } from './common';
import { ga4 } from './ga4';
import { mixpanel } from './mixpanel';
import { posthog } from './posthog';
import { segment } from './segment';
import { amplitude } from './amplitude';
import { webhook } from './webhook';

const PROVIDERS: { [K in DestinationKind]: Provider<Extract<Destination, { kind: K }>> } = { ga4, mixpanel, posthog, segment, amplitude, webhook };

/** The provider of a destination (typed loosely: each provider reads only its own kind's settings). */
export const providerOf = (destination: Destination): Provider => PROVIDERS[destination.kind] as unknown as Provider;
