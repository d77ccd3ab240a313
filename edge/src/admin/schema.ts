/** The SQLite schemas of AdminStore and SiteAdmin: the migrations of every table; each table's SQL lives in its own module. */
import { HOSTNAME_RESERVATIONS_MIGRATION, HOSTNAMES_MIGRATION } from '../proxy/host-index';
import { API_TOKENS_MIGRATION } from './api-tokens';
import { INVITATIONS_TABLE } from './invitations';
import { USERS_TABLE } from './users';
import { AUDIT_TABLE } from './audit';
import { DRAFTS_MIGRATION } from './drafts';
import { SITE_META_TABLE } from './legacy-move';
import { SITE_DIRECTORY_MIGRATION } from './site-directory';
import { SITE_VERSIONS_MIGRATION, SITE_VERSIONS_TABLE } from './site-versions';
import { WEBHOOK_LOG_MIGRATION } from './webhook-log';
import { QA_LINKS_MIGRATION } from '../qa/links';
import { EMAIL_SITE_MIGRATION } from '../email/site-store';

/** Append-only; never edit a shipped entry (storage/migrations.ts). */
export const ADMIN_MIGRATIONS: readonly string[] = [
  // 1: sessions (by SHA-256 of the id: a leaked table holds no usable cookie), login failures,
  // the last config each site got through the admin (replaced by migration 4), and the audit log.
  `
CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE login_failures (client TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX login_failures_by_client ON login_failures (client, at);
CREATE TABLE sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL, config TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  at INTEGER NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,
  path TEXT NOT NULL,
  before_version INTEGER NOT NULL,
  after_version INTEGER NOT NULL,
  changed TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX audit_by_site ON audit (site, seq);
`,
  // 2: webhook delivery attempts from every visitor profile, per site and webhook (webhook-log.ts).
  WEBHOOK_LOG_MIGRATION,
  // 3: which site holds each proxy hostname (proxy/host-index.ts); KV `host:<hostname>` mirrors it.
  HOSTNAMES_MIGRATION,
  // 4: every published config version (site-versions.ts).
  SITE_VERSIONS_MIGRATION,
  // 5: the list of sites (site-directory.ts); versions, audit and delivery log move to each site's
  // SiteAdmin (legacy-move.ts), sessions to their own objects (sessions.ts).
  SITE_DIRECTORY_MIGRATION,
  // 6: a hostname claim holds from its check until the site's write is published (proxy/host-index.ts).
  HOSTNAME_RESERVATIONS_MIGRATION,
  // 7: admin API tokens, by the SHA-256 of their secret (api-tokens.ts).
  API_TOKENS_MIGRATION,
  // 8: the team: users with roles (users.ts) and their invitations (invitations.ts).
  [USERS_TABLE, INVITATIONS_TABLE].join('\n'),
];

/** SiteAdmin (one per site): its versions, audit log and webhook delivery log. Append-only too. */
export const SITE_ADMIN_MIGRATIONS: readonly string[] = [
  // 1: the tables AdminStore held for every site, now one site's each (same columns, so rows move as they are).
  [SITE_META_TABLE, SITE_VERSIONS_TABLE, AUDIT_TABLE, WEBHOOK_LOG_MIGRATION].join('\n'),
  // 2: the site's shared draft, its review and its schedule (drafts.ts).
  DRAFTS_MIGRATION,
  // 3: QA and preview links (qa/links.ts).
  QA_LINKS_MIGRATION,
  // 4: e-mail: the suppression list, the delivery log and the provider token (email/site-store.ts).
  EMAIL_SITE_MIGRATION,
];
