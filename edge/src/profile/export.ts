/** Everything stored about a visitor (GET /_wm/me), as the profile export shows it. */
import type { ProfileExport } from '../../../protocol/wire';
import type { ProfileHost } from './context';
import { linkedVisitorsExport } from './identity';
import { TIME_ZONE_KEY } from './store/meta-keys';

/** Best time's stored zone (journeys/best-time.ts) is data about the visitor too. */
function timeZoneExport(host: ProfileHost): Pick<ProfileExport, 'timeZone'> {
  const zone = host.store.meta(TIME_ZONE_KEY);
  return zone ? { timeZone: zone } : {};
}

export function exportHere(host: ProfileHost, site: string, visitorId: string): ProfileExport {
  const { events, eventCount, ...tables } = host.store.exportTables();
  const journeys = host.store.journeys.exportJourneys();
  return {
    site,
    visitorId,
    ...tables,
    ...(journeys.length > 0 ? { journeys } : {}),
    eventCount,
    events,
    ...linkedVisitorsExport(host, visitorId),
    ...timeZoneExport(host),
  };
}
