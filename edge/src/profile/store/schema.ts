/**
 * The visitor object's schema: every table of a VisitorProfile, created and changed only here.
 * profile/store/ is the one module that runs SQL on them (store-ownership.test.ts checks it).
 */

import { EMAIL_OUTBOX_MIGRATION } from './email-outbox';

/** Journeys (journeys/runtime.ts, tables in journey-tables.ts): migration 5. */
const JOURNEY_MIGRATION = `
CREATE TABLE journey_state (
  journey TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  step TEXT,
  entered_at INTEGER NOT NULL,
  step_since INTEGER NOT NULL,
  wake_at INTEGER,
  waiting_for TEXT,
  ended_at INTEGER,
  runs INTEGER NOT NULL
);
CREATE TABLE journey_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, journey TEXT NOT NULL, step TEXT, at INTEGER NOT NULL, what TEXT NOT NULL);
CREATE TABLE journey_grants (message TEXT PRIMARY KEY, journey TEXT NOT NULL, step TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE webhook_outbox (
  id TEXT PRIMARY KEY,
  webhook TEXT NOT NULL,
  journey TEXT NOT NULL,
  step TEXT NOT NULL,
  event TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  last_error TEXT
);
CREATE TABLE webhook_attempts (
  delivery TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status_code INTEGER,
  duration_ms INTEGER NOT NULL,
  error TEXT,
  PRIMARY KEY (delivery, attempt)
);
`;

/**
 * Schema migrations, applied in order and each once per profile (the applied count is kept in
 * `schema_version`). Append a new entry for every change; never edit a shipped one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: events, traits, zero-party prefs, consent, metadata.
  `
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  name TEXT,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX events_by_name_ts ON events (type, name, ts);
CREATE INDEX events_by_received ON events (received_at);
CREATE TABLE traits (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE prefs (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE consent (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  analytics INTEGER NOT NULL,
  personalization INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
  // 2: segment membership and its entry/exit log; message exposures (A/B, holdout) and goals.
  `
CREATE TABLE segments (id TEXT PRIMARY KEY, entered_at INTEGER NOT NULL);
CREATE TABLE segment_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  segment TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('enter', 'exit')),
  at INTEGER NOT NULL
);
CREATE TABLE exposures (
  message TEXT PRIMARY KEY,
  variant TEXT NOT NULL,
  at INTEGER NOT NULL,
  converted_at INTEGER,
  conversion_event TEXT
);
`,
  // 3: when inactivity conditions come due (the alarm re-evaluates segments then).
  `
CREATE TABLE inactivity_due (at INTEGER NOT NULL);
`,
  // 4: identity stitching: the browsers linked to a user's golden record (identity/stitch.ts).
  `
CREATE TABLE linked_visitors (visitor_id TEXT PRIMARY KEY, linked_at INTEGER NOT NULL);
`,
  // 5: journeys (journeys/runtime.ts): state per journey, its log, message grants, the webhook outbox and attempts.
  JOURNEY_MIGRATION,
  // 6: the alarm loads the site config by version (profile/site-config.ts): the copy of the
  // segments it kept goes, leaving only the flag that the alarm evaluates inactivity segments.
  `
INSERT OR IGNORE INTO meta (key, value) SELECT 'inactivity_watched', '1' FROM meta WHERE key = 'alarm_segments';
DELETE FROM meta WHERE key = 'alarm_segments';
`,
  // 7: a session's landing page view, for the UTM the edge gives its later page views (ProfileStore.sessionUtm).
  `
CREATE INDEX events_by_session ON events (session_id, type, ts);
`,
  // 8: e-mails queued by journeys' email steps (email-outbox.ts).
  EMAIL_OUTBOX_MIGRATION,
];
