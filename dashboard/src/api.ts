/**
 * The admin API client: every call goes to /_wm/admin/api with the session cookie, and every
 * write carries the CSRF token from login (or GET /session) and the version the form was loaded at.
 */
import type { OverviewReport, ProfileSearchQuery, ProfileSearchReport, SegmentCountReport } from '../../protocol/analytics';
import type {
  AuditResponse,
  Collection,
  DeliveriesResponse,
  DraftResponse,
  IdentifyKeyResponse,
  Issue,
  IssuedSecret,
  LoginOptions,
  ProfileResponse,
  SessionResponse,
  SiteResponse,
  SitesResponse,
  VersionResponse,
  VersionsResponse,
} from '../../protocol/admin';
import type { CreateTokenBody, TokenCreatedResponse, TokensResponse } from '../../protocol/api-tokens';
import type {
  AddUserBody,
  CreateInvitationBody,
  InvitationCreatedResponse,
  InvitationsResponse,
  InviteCheckResponse,
  UpdateUserBody,
  UserResponse,
  UsersResponse,
} from '../../protocol/team';

export const API = '/_wm/admin/api';

/** A refused call, with what the API said: issues (400), currentVersion or usedBy (409). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Issue[] = [],
    readonly currentVersion?: number,
    readonly usedBy?: string[],
  ) {
    super(message);
  }
  /** 409 because the site moved on since the form was loaded (not a usedBy refusal). */
  get conflict(): boolean {
    return this.status === 409 && this.currentVersion !== undefined;
  }
}

let csrfToken = '';
let onUnauthorized: () => void = () => {};

export function setCsrf(token: string): void {
  csrfToken = token;
}
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

export async function call<T>(method: string, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-WM-CSRF'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(API + path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  let data: Record<string, unknown> = {};
  try {
    data = (await res.json()) as Record<string, unknown>;
  } catch {
    /* a non-JSON answer: reported by status below */
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) onUnauthorized();
    const message = typeof data['error'] === 'string' ? data['error'] : `request failed (${res.status})`;
    throw new ApiError(
      res.status,
      message,
      Array.isArray(data['issues']) ? (data['issues'] as Issue[]) : [],
      typeof data['currentVersion'] === 'number' ? data['currentVersion'] : undefined,
      Array.isArray(data['usedBy']) ? (data['usedBy'] as string[]) : undefined,
    );
  }
  return data as T;
}

export type { OverviewReport, ProfileSearchReport, ProfileSummary, SegmentCountReport } from '../../protocol/analytics';
export type { ProfileExport, StoredEvent } from '../../protocol/wire';

export type { ConfigDiff, FieldChange, ItemChange } from '../../protocol/version-diff';
export type { DraftStatus, VersionSummary } from '../../protocol/admin';
export type Draft = DraftResponse<SiteConfig>;
export type Version = VersionResponse<SiteConfig>;
export type { AuditEntry, DeliveryLogEntry, Issue, IssuedSecret, LoginOptions, SiteSummary } from '../../protocol/admin';
export type { ApiTokenInfo, Permission, TokenScope } from '../../protocol/api-tokens';
export type { InvitationInfo, Role, UserInfo } from '../../protocol/team';
export type { SessionResponse };
// Items are kept as loose JSON: the forms edit the fields they know and keep every other field.
export type Json = Record<string, any>;
export type SiteConfig = Json & { id: string; name: string; version: number; segments: Json[]; slots: Json[]; messages: Json[] };
export type { Collection };

export const api = {
  session: () => call<SessionResponse>('GET', '/session', undefined, { quiet401: true }),
  /** No name (or an empty one): the built-in admin's password. */
  login: (password: string, name = '') => call<SessionResponse>('POST', '/login', name ? { name, password } : { password }, { quiet401: true }),
  /** What the login screen may offer: the password and/or the caller's Cloudflare Access identity. */
  loginOptions: () => call<LoginOptions>('GET', '/login', undefined, { quiet401: true }),
  /** A session from the Cloudflare Access token the browser already carries (no password). */
  accessLogin: () => call<SessionResponse>('POST', '/login', {}, { quiet401: true }),
  logout: () => call<void>('POST', '/logout'),
  sites: () => call<SitesResponse>('GET', '/sites'),
  site: (site: string) => call<SiteResponse<SiteConfig>>('GET', `/sites/${encodeURIComponent(site)}`),
  /**
   * Every item save of the dashboard: segments, slots, messages and journeys go to the site's
   * draft (docs/drafts-and-versions.md; the answer's `site` is the effective draft, `version` the
   * live one), webhooks straight to live (they are publish-only). A new webhook saved without a
   * secret comes back with `issuedSecret`, shown once.
   */
  putItem: (site: string, collection: Collection, id: string, item: Json, baseVersion: number) =>
    collection === 'webhooks'
      ? call<SiteResponse<SiteConfig> & { issuedSecret?: IssuedSecret }>('PUT', `/sites/${encodeURIComponent(site)}/${collection}/${encodeURIComponent(id)}`, {
          ...item,
          baseVersion,
        })
      : call<Draft & { issuedSecret?: IssuedSecret }>('PUT', `/sites/${encodeURIComponent(site)}/draft/${collection}/${encodeURIComponent(id)}`, item),
  putSite: (site: string, config: Json) => call<SiteResponse<SiteConfig>>('PUT', `/sites/${encodeURIComponent(site)}`, config),
  audit: (site: string, limit = 200) => call<AuditResponse>('GET', `/sites/${encodeURIComponent(site)}/audit?limit=${limit}`),
  profile: (site: string, visitorId: string) => call<ProfileResponse>('GET', `/sites/${encodeURIComponent(site)}/profiles/${encodeURIComponent(visitorId)}`),
  searchProfiles: (site: string, q: string, by: ProfileSearchQuery['by'] = 'any') =>
    call<ProfileSearchReport>('GET', `/sites/${encodeURIComponent(site)}/analytics/profiles?q=${encodeURIComponent(q)}&by=${by ?? 'any'}&limit=20`),
  overview: (site: string, minutes = 30) => call<OverviewReport>('GET', `/sites/${encodeURIComponent(site)}/analytics/overview?minutes=${minutes}`),
  segmentCount: (site: string, condition: unknown) =>
    call<SegmentCountReport>('POST', `/sites/${encodeURIComponent(site)}/analytics/segment-count`, { condition }),
  /** A new edge-generated webhook secret (shown once); the old one signs too for `overlapHours`. */
  rotateSecret: (site: string, webhook: string, baseVersion: number, overlapHours: number) =>
    call<SiteResponse<SiteConfig> & { issuedSecret: IssuedSecret }>(
      'POST',
      `/sites/${encodeURIComponent(site)}/webhooks/${encodeURIComponent(webhook)}/rotate-secret`,
      { baseVersion, overlapHours },
    ),
  deliveries: (site: string, webhook: string, limit = 100) =>
    call<DeliveriesResponse>('GET', `/sites/${encodeURIComponent(site)}/webhooks/${encodeURIComponent(webhook)}/deliveries?limit=${limit}`),
  /** The key the site's server signs user ids with (edge/src/identity/signed.ts). */
  identifyKey: (site: string) => call<IdentifyKeyResponse>('GET', `/sites/${encodeURIComponent(site)}/identify-key`),
  /** API tokens (Settings); the dashboard itself keeps using its session cookie. */
  tokens: () => call<TokensResponse>('GET', '/tokens'),
  createToken: (body: CreateTokenBody) => call<TokenCreatedResponse>('POST', '/tokens', body),
  revokeToken: (id: string) => call<void>('DELETE', `/tokens/${encodeURIComponent(id)}`),
  /** The team (Team screen, docs/team.md): admins only, but for the invitation link's two calls. */
  users: () => call<UsersResponse>('GET', '/users'),
  addUser: (body: AddUserBody) => call<UserResponse>('POST', '/users', body),
  updateUser: (name: string, body: UpdateUserBody) => call<UserResponse>('PUT', `/users/${encodeURIComponent(name)}`, body),
  removeUser: (name: string) => call<void>('DELETE', `/users/${encodeURIComponent(name)}`),
  invitations: () => call<InvitationsResponse>('GET', '/invitations'),
  invite: (body: CreateInvitationBody) => call<InvitationCreatedResponse>('POST', '/invitations', body),
  revokeInvitation: (id: string) => call<void>('DELETE', `/invitations/${encodeURIComponent(id)}`),
  checkInvite: (token: string) => call<InviteCheckResponse>('POST', '/invite/check', { token }, { quiet401: true }),
  acceptInvite: (token: string, password: string) => call<SessionResponse>('POST', '/invite/accept', { token, password }, { quiet401: true }),
  /** Like putItem: a deletion in the draft, except for webhooks. */
  deleteItem: (site: string, collection: Collection, id: string, version: number) =>
    collection === 'webhooks'
      ? call<SiteResponse<SiteConfig>>('DELETE', `/sites/${encodeURIComponent(site)}/${collection}/${encodeURIComponent(id)}?version=${version}`)
      : call<Draft>('DELETE', `/sites/${encodeURIComponent(site)}/draft/${collection}/${encodeURIComponent(id)}`),
  // ---- the draft and versions (drafts/, versions/) ----
  draft: (site: string) => call<Draft>('GET', `/sites/${encodeURIComponent(site)}/draft`),
  publishDraft: (site: string) => call<SiteResponse<SiteConfig>>('POST', `/sites/${encodeURIComponent(site)}/draft/publish`),
  submitDraft: (site: string) => call<Draft>('POST', `/sites/${encodeURIComponent(site)}/draft/submit`),
  approveDraft: (site: string) => call<SiteResponse<SiteConfig>>('POST', `/sites/${encodeURIComponent(site)}/draft/approve`),
  rejectDraft: (site: string, reason?: string) => call<Draft>('POST', `/sites/${encodeURIComponent(site)}/draft/reject`, reason ? { reason } : {}),
  scheduleDraft: (site: string, at: string) => call<Draft>('PUT', `/sites/${encodeURIComponent(site)}/draft/schedule`, { at }),
  cancelSchedule: (site: string) => call<Draft>('DELETE', `/sites/${encodeURIComponent(site)}/draft/schedule`),
  discardDraft: (site: string) => call<Draft>('DELETE', `/sites/${encodeURIComponent(site)}/draft`),
  versions: (site: string, limit = 100) => call<VersionsResponse>('GET', `/sites/${encodeURIComponent(site)}/versions?limit=${limit}`),
  version: (site: string, version: number) => call<Version>('GET', `/sites/${encodeURIComponent(site)}/versions/${version}`),
  revert: (site: string, version: number) => call<SiteResponse<SiteConfig>>('POST', `/sites/${encodeURIComponent(site)}/versions/${version}/revert`),
};

/** Issues at `path` or below it. */
export function issuesAt(issues: Issue[], path: string): Issue[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(path + '.'));
}

/** "Road runners 2" -> "road-runners-2" (the API's slug rule). */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
