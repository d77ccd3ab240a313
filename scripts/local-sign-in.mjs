// What `npm start` tells a newcomer about signing in to the local dashboard: the password, but only
// once it is checked against the hash the local worker really uses (wrangler dev reads `.dev.vars`
// over wrangler.toml's `[vars]`), so the line printed can never be a stale password.
import { pbkdf2Sync } from 'node:crypto';

/** The local password wrangler.toml's `[vars]` hash stands for (see the comment above it there). */
export const DEMO_PASSWORD = 'waymark-demo';

/**
 * A string variable of wrangler.toml's top-level `[vars]` table (not `[env.*.vars]`).
 * @param {string} toml
 * @param {string} name
 * @returns {string | undefined}
 */
export function tomlVar(toml, name) {
  let inVars = false;
  for (const line of toml.split(/\r?\n/)) {
    const table = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
    if (table) {
      inVars = table[1] === 'vars';
      continue;
    }
    const entry = inVars ? /^\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"/.exec(line) : null;
    if (entry && entry[1] === name) return entry[2];
  }
  return undefined;
}

/**
 * A variable of a `.dev.vars` file (dotenv syntax: `NAME=value`, optionally quoted).
 * @param {string} devVars
 * @param {string} name
 * @returns {string | undefined}
 */
export function dotenvVar(devVars, name) {
  for (const line of devVars.split(/\r?\n/)) {
    const entry = /^\s*(?:export\s+)?([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (entry && entry[1] === name) return entry[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return undefined;
}

/**
 * Whether a password matches a `pbkdf2-sha256$<iterations>$<salt>$<hash>` hash (the format of
 * scripts/admin-hash.mjs and edge/src/admin/password.ts).
 * @param {string} password
 * @param {string} encoded
 * @returns {boolean}
 */
export function passwordMatches(password, encoded) {
  const [scheme, iterations, salt, hash] = encoded.split('$');
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !hash || !/^\d+$/.test(iterations)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const derived = pbkdf2Sync(password, Buffer.from(salt, 'base64url'), Number(iterations), expected.length, 'sha256');
  return expected.length > 0 && derived.equals(expected);
}

/**
 * The sign-in line for the local dashboard.
 * @param {{ wranglerToml: string, devVars: string | null }} files `devVars` is null without a `.dev.vars`
 * @returns {string}
 */
export function localSignIn({ wranglerToml, devVars }) {
  const fromDevVars = devVars === null ? undefined : dotenvVar(devVars, 'WM_ADMIN_PASSWORD_HASH');
  const hash = fromDevVars ?? tomlVar(wranglerToml, 'WM_ADMIN_PASSWORD_HASH');
  const source = fromDevVars === undefined ? 'wrangler.toml [vars]' : '.dev.vars';
  if (hash === undefined) return 'no admin password is set: put WM_ADMIN_PASSWORD_HASH (npm run admin:hash) into .dev.vars';
  if (passwordMatches(DEMO_PASSWORD, hash)) return `password ${DEMO_PASSWORD}   (local only: WM_ADMIN_PASSWORD_HASH in ${source})`;
  return `the password whose hash ${source} sets as WM_ADMIN_PASSWORD_HASH`;
}
