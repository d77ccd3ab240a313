/**
 * What the signed-in user's role lets the dashboard offer. The API decides (protocol/api-tokens.ts
 * ROUTE_RULES refuses what the permission does not reach); the dashboard only hides or disables
 * what would be refused, and says why. Types only from protocol/: zod stays out of the bundle.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Permission, Role } from '../api';
import type { Tab } from '../routing';

const ORDER: readonly Permission[] = ['read', 'write', 'publish', 'admin'];

/** Whether holding `held` reaches `needed` (the same order as protocol/api-tokens.ts grants()). */
export const allows = (held: Permission, needed: Permission): boolean => ORDER.indexOf(held) >= ORDER.indexOf(needed);

/** What saving on each site tab needs (ROUTE_RULES: item writes are write, settings and webhooks publish). */
export const TAB_WRITE_NEEDS: Partial<Record<Tab, Permission>> = {
  segments: 'write',
  slots: 'write',
  messages: 'write',
  journeys: 'write',
  webhooks: 'publish',
  destinations: 'publish',
  settings: 'publish',
  email: 'write',
};

export type Me = { user: string; role: Role; permission: Permission };
/** The signed-in user; the admin default only matters before the session is read (never rendered then). */
export const MeContext = createContext<Me>({ user: '', role: 'viewer', permission: 'read' });
export const useMe = (): Me => useContext(MeContext);

/** Why `me` cannot save what needs `needed`, or null when they can. */
export function cannotSave(me: Me, needed: Permission): string | null {
  if (allows(me.permission, needed)) return null;
  return `Your role (${me.role}) can look but not change this: saving needs the ${needed} permission. Ask an admin for a higher role.`;
}
