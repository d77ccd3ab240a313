// Cookiebot (data-cmp="cookiebot"): wm-consent.js reads Cookiebot.consent once Cookiebot.hasResponse
// is true, now and on CookiebotOnConsentReady / CookiebotOnAccept / CookiebotOnDecline. statistics
// → analytics, preferences → personalization (snippet/consent-platforms/map.ts).
import { consentPlatformSuite } from './support/cmp';

consentPlatformSuite({
  name: 'cookiebot',
  all: { preferences: true, statistics: true, marketing: true },
  // Marketing is about ads: it does not give personalization.
  analyticsOnly: { preferences: false, statistics: true, marketing: true },
  none: { preferences: false, statistics: false, marketing: false },
});
