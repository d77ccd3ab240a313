/**
 * Consent for server events (HTTP Tracking API), pure. A back end has no browser, no GPC and no
 * consent banner, so the rule is its own:
 * 1. A message that carries Segment's consent object (context.consent.categoryPreferences, read by
 *    messages.ts `segmentConsent`) is stored only if it grants analytics.
 * 2. Otherwise the choice stored in the target profile decides: a visitor who refused analytics
 *    there is never written to by the server.
 * 3. Otherwise the site's policy: an opt-out site stores (the site answers for its server's
 *    events); an opt-in site stores nothing for a profile without a recorded "yes": send the
 *    consent object when your own records hold the user's agreement.
 * Rule 1's refusals are applied at the edge before any profile is touched; rules 2 and 3 in the
 * profile that holds the data (profile/ingest.ts), since only it knows the stored choice, and
 * before a userId links a profile to the user's golden record (profile/identity.ts): the link is
 * data about the user too, so a refused call writes no link either.
 */
import type { ConsentState } from '../../../protocol/wire';
import type { ConsentPolicy } from '../consent/policy';

export type ServerConsent = { policy: ConsentPolicy; explicit?: ConsentState };

export function serverMayStore(consent: ServerConsent, stored: ConsentState | null): boolean {
  if (consent.explicit) return consent.explicit.analytics;
  if (stored) return stored.analytics;
  return consent.policy === 'opt-out';
}
