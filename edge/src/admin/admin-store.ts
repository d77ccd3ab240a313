/**
 * The AdminStore Durable Object (one instance, `idFromName('admin')`): only what spans sites, kept
 * small and reached by admin actions, never by a site's traffic. It holds the list of sites
 * (site-directory.ts), the proxy hostname index (proxy/host-index.ts: a hostname belongs to one
 * site), login lockout (lockout.ts), the admin API tokens (api-tokens.ts) and the team: users
 * (users.ts) and invitations (invitations.ts). Each site's config,
 * versions, audit log and webhook delivery log live in that site's SiteAdmin (site-admin.ts);
 * sessions in their own objects (sessions.ts).
 *
 * It still holds the rows of sites written before per-site objects, until each site's SiteAdmin
 * takes them (legacy-move.ts).
 */
import { DurableObject } from 'cloudflare:workers';
import type { SiteConfig } from '../../../protocol/config/site';
import { hostnameConflict, indexAddedHostnames, settleHostnames } from '../proxy/host-index';
import { MigratedSql } from '../storage/migrations';
import type { ApiTokenInfo } from '../../../protocol/api-tokens';
import type { InvitationInfo } from '../../../protocol/team';
import { Invitations, type InvitationLookup, type NewInvitation } from './invitations';
import { Users, type AddUserResult, type ChangeUserResult, type LoginUser, type NewUser, type SessionUser, type UserEdit } from './users';
import type { UserInfo } from '../../../protocol/team';
import { ApiTokens, type CreateTokenResult, type NewToken, type TokenGrant } from './api-tokens';
import { AuditLog } from './audit';
import type { LegacySite } from './legacy-move';
import { LoginLockout } from './lockout';
import { ADMIN_MIGRATIONS } from './schema';
import { siteAdmin } from './objects';
import { SiteDirectory } from './site-directory';
import type { EditFailure } from './site-edit';
import { SiteVersions, type SiteSummary } from './site-versions';
import { WebhookLog } from './webhook-log';

export class AdminStore extends DurableObject<Env> {
  private readonly db = new MigratedSql(this.ctx.storage, ADMIN_MIGRATIONS);
  private readonly lockout = new LoginLockout(this.db);
  private readonly directory = new SiteDirectory(this.db);
  private readonly tokens = new ApiTokens(this.db);
  private readonly users = new Users(this.db);
  private readonly invitations = new Invitations(this.db);
  // The rows written before per-site objects, read and dropped once per site.
  private readonly legacyVersions = new SiteVersions(this.db);
  private readonly legacyAudit = new AuditLog(this.db);
  private readonly legacyWebhookLog = new WebhookLog(this.db);
  /** Hostname claims run one at a time: each awaits KV, and the next must see its rows. */
  private claims: Promise<unknown> = Promise.resolve();

  // ---- login lockout --------------------------------------------------------------------

  /** Seconds until `client` may try again, or null when it may try now. */
  async lockedFor(client: string): Promise<number | null> {
    return this.lockout.lockedFor(client);
  }

  async loginFailed(client: string): Promise<void> {
    this.lockout.failed(client);
  }

  async loginSucceeded(client: string): Promise<void> {
    this.lockout.succeeded(client);
  }

  // ---- admin API tokens (api-tokens.ts) ------------------------------------------------------

  async listApiTokens(): Promise<ApiTokenInfo[]> {
    return this.tokens.list();
  }

  async createApiToken(token: NewToken): Promise<CreateTokenResult> {
    return this.tokens.create(token, Date.now());
  }

  async revokeApiToken(id: string): Promise<boolean> {
    return this.tokens.revoke(id);
  }

  /** The token a request's secret hashes to (expired ones too, so the answer can say so), or null. */
  async authenticateApiToken(secretHash: string): Promise<TokenGrant | null> {
    return this.tokens.authenticate(secretHash, Date.now());
  }

  // ---- the team (users.ts, invitations.ts) -------------------------------------------------

  async listUsers(): Promise<UserInfo[]> {
    return this.users.list();
  }

  /** The user a session names, looked up on its requests (team-access.ts caches it briefly). */
  async sessionUser(name: string): Promise<SessionUser | null> {
    return this.users.find(name);
  }

  async loginUser(name: string): Promise<LoginUser | null> {
    return this.users.forLogin(name);
  }

  /** A Cloudflare Access email with a role. */
  async addUser(user: NewUser): Promise<AddUserResult> {
    return this.ctx.storage.transactionSync(() => this.users.add(user, Date.now()));
  }

  async changeUser(change: UserEdit, actor: string | null, builtInAdminSignsIn: boolean): Promise<ChangeUserResult> {
    return this.ctx.storage.transactionSync(() => this.users.change(change, actor, builtInAdminSignsIn));
  }

  async listInvitations(): Promise<InvitationInfo[]> {
    return this.invitations.list(Date.now());
  }

  async createInvitation(invitation: NewInvitation): Promise<{ ok: true; invitation: InvitationInfo } | { ok: false; reason: string }> {
    return this.ctx.storage.transactionSync(() => this.invitations.create(invitation, Date.now(), this.users.has(invitation.name)));
  }

  async revokeInvitation(id: string): Promise<boolean> {
    return this.invitations.revoke(id);
  }

  async lookupInvitation(tokenHash: string): Promise<InvitationLookup> {
    return this.invitations.lookup(tokenHash, Date.now());
  }

  /** Uses the invitation up and adds its user, in one step: a link signs up one user, once. */
  async acceptInvitation(
    tokenHash: string,
    passwordHash: string,
  ): Promise<{ ok: true; user: SessionUser } | { ok: false; status: 404 | 409 | 410; reason: string }> {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const found = this.invitations.lookup(tokenHash, now);
      if (!found.ok) return found;
      // Someone took the name meanwhile (an Access user added by email): the link stays unused.
      if (this.users.has(found.invitation.name)) return { ok: false, status: 409, reason: `a user named "${found.invitation.name}" exists: ask an admin` };
      const taken = this.invitations.take(tokenHash, now);
      if (!taken.ok) return taken;
      const { name, role, sites, createdBy } = taken.invitation;
      const added = this.users.add({ name, role, sites, signIn: 'password', passwordHash, createdBy }, now);
      if (!added.ok) return added;
      return { ok: true, user: this.users.find(name)! };
    });
  }

  // ---- the list of sites ----------------------------------------------------------------

  /** Every site a SiteAdmin wrote or adopted (sites.ts adds the ones only KV holds). */
  async listedSites(): Promise<SiteSummary[]> {
    return this.directory.list();
  }

  /** A site found only in KV and adopted by its SiteAdmin (sites.ts). */
  async listSite(site: SiteSummary): Promise<void> {
    this.directory.record(site);
  }

  // ---- proxy hostnames ------------------------------------------------------------------

  /**
   * Before a site's write: the 409 for a hostname another site holds or has reserved, else the
   * reservations and KV entries for the hostnames it gains. One claim at a time, so two sites'
   * claims are checked one after the other.
   */
  async claimHostnames(siteId: string, before: SiteConfig | null, next: SiteConfig): Promise<EditFailure | null> {
    return this.serialized(async () => {
      const taken = await hostnameConflict(this.db.sql, this.env.CONFIG, siteId, before, next, (id) => siteAdmin(this.env, id).getSite(id));
      if (taken) return taken;
      await indexAddedHostnames(this.db.sql, this.env.CONFIG, siteId, before, next);
      return null;
    });
  }

  /** After a site's write is published: record its hostname claims, release the dropped ones, list its new version. */
  async settleSite(siteId: string, before: SiteConfig | null, written: SiteConfig): Promise<void> {
    return this.serialized(async () => {
      this.directory.record({ id: siteId, name: written.name, version: written.version });
      await settleHostnames(this.db.sql, this.env.CONFIG, siteId, before, written);
    });
  }

  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const run = this.claims.then(step);
    this.claims = run.catch(() => undefined);
    return run;
  }

  // ---- the move to per-site objects (legacy-move.ts) ------------------------------------

  /** The rows this object still holds for `site` (none for a site written after the move). */
  async legacySite(site: string): Promise<LegacySite> {
    return { versions: this.legacyVersions.rowsOf(site), audit: this.legacyAudit.rowsOf(site), deliveries: this.legacyWebhookLog.rowsOf(site) };
  }

  /** Once the site's SiteAdmin holds them. */
  async dropLegacySite(site: string): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.legacyVersions.forget(site);
      this.legacyAudit.forget(site);
      this.legacyWebhookLog.forget(site);
    });
  }
}
