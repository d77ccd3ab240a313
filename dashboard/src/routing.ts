/**
 * Routes live in the hash (#/s/<site>/<tab>[/<id>|/new]) so reloads and the back button work
 * without any server routing.
 */
import { useEffect, useState } from 'preact/hooks';

export type Tab =
  | 'overview'
  | 'segments'
  | 'slots'
  | 'visual'
  | 'messages'
  | 'journeys'
  | 'webhooks'
  | 'reports'
  | 'profiles'
  | 'settings'
  | 'audit'
  | 'versions'
  | 'qa'
  | 'destinations'
  | 'email'
  | 'audiences';

export const TABS: { tab: Tab; label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'segments', label: 'Segments' },
  { tab: 'slots', label: 'Slots' },
  { tab: 'visual', label: 'Visual editor' },
  { tab: 'messages', label: 'Messages' },
  { tab: 'journeys', label: 'Journeys' },
  { tab: 'webhooks', label: 'Webhooks' },
  { tab: 'destinations', label: 'Destinations' },
  { tab: 'email', label: 'E-mail' },
  { tab: 'reports', label: 'Reports' },
  { tab: 'profiles', label: 'Profiles' },
  { tab: 'audiences', label: 'Audiences' },
  { tab: 'qa', label: 'Preview & QA' },
  { tab: 'settings', label: 'Settings' },
  { tab: 'audit', label: 'Audit log' },
  { tab: 'versions', label: 'Versions' },
];

/**
 * `page`, outside any site: 'api' the admin API reference (#/api), 'team' the Team screen (#/team),
 * 'invite' an invitation link's page (#/invite/<token>, the token in `id`).
 */
export type Route = { site?: string; tab?: Tab; id?: string; page?: 'api' | 'team' | 'invite' };
export const API_REFERENCE_HREF = '#/api';
export const TEAM_HREF = '#/team';

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'api') return { page: 'api' };
  if (parts[0] === 'team') return { page: 'team' };
  if (parts[0] === 'invite' && parts[1]) return { page: 'invite', id: parts[1] };
  if (parts[0] !== 's' || !parts[1]) return {};
  const tab = TABS.find((t) => t.tab === parts[2])?.tab ?? 'overview';
  return { site: parts[1], tab, ...(parts[3] ? { id: parts[3] } : {}) };
}

/** `#/s/<site>/<tab>[/<id>]`, every part encoded. */
export function hrefOf(site: string, tab: Tab, id?: string): string {
  return `#/s/${[site, tab, ...(id ? [id] : [])].map(encodeURIComponent).join('/')}`;
}

export function go(site: string, tab: Tab, id?: string): void {
  location.hash = hrefOf(site, tab, id);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
