#!/usr/bin/env node
/**
 * Before a production deploy (`npm run deploy` runs this as `predeploy`): refuses to go on when
 * the deployment lacks WM_SECRET or an admin credential, either WM_ADMIN_PASSWORD_HASH or
 * Cloudflare Access (WM_ACCESS_TEAM_DOMAIN + WM_ACCESS_AUD). docs/deploy-secrets.md.
 *
 * wrangler enforces WM_SECRET itself (`[env.production.secrets] required` in wrangler.toml: the
 * upload fails when it is not set). The admin credential is one of two, which wrangler's list cannot
 * say, so it is checked here: the names from `wrangler secret list --env <env> --format json`
 * and the environment's vars in wrangler.toml (the Access values are not secret and may be vars).
 * Usage: node scripts/check-secrets.mjs [--env production]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The names a deployment must have, as problems in words; empty when it may deploy. */
export function deploySecretProblems(/** @type {Iterable<string>} */ names) {
  const has = new Set(names);
  const problems = [];
  if (!has.has('WM_SECRET')) problems.push('WM_SECRET is not set: `openssl rand -base64 48 | npx wrangler secret put WM_SECRET --env production`');
  const password = has.has('WM_ADMIN_PASSWORD_HASH');
  const accessParts = ['WM_ACCESS_TEAM_DOMAIN', 'WM_ACCESS_AUD'].filter((n) => has.has(n));
  if (accessParts.length === 1)
    problems.push(`Cloudflare Access is half configured: set both WM_ACCESS_TEAM_DOMAIN and WM_ACCESS_AUD (only ${accessParts[0]} is set)`);
  else if (!password && accessParts.length === 0) {
    problems.push(
      'no admin credential: set WM_ADMIN_PASSWORD_HASH (`npm run -s admin:hash | npx wrangler secret put WM_ADMIN_PASSWORD_HASH --env production`) ' +
        'or Cloudflare Access (WM_ACCESS_TEAM_DOMAIN and WM_ACCESS_AUD)',
    );
  }
  return problems;
}

/** The secret names `wrangler secret list --format json` printed (an array of { name, type }). */
export function secretNames(/** @type {string} */ json) {
  const list = JSON.parse(json);
  if (!Array.isArray(list)) throw new Error('wrangler secret list did not print a JSON array');
  return list.map((s) => s?.name).filter((n) => typeof n === 'string');
}

async function main() {
  const at = process.argv.indexOf('--env');
  const env = at > 0 ? process.argv[at + 1] : 'production';
  const { unstable_readConfig } = await import('wrangler');
  const vars = Object.keys(unstable_readConfig({ env }).vars ?? {});
  const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true' };
  let listed;
  try {
    const { stdout } = await promisify(execFile)('npx', ['wrangler', 'secret', 'list', '--env', env, '--format', 'json'], { env: quiet });
    listed = secretNames(stdout.slice(stdout.indexOf('[')));
  } catch (err) {
    process.stderr.write(
      `check-secrets: could not list the secrets of env "${env}" (signed in? \`npx wrangler login\`): ${err instanceof Error ? err.message : err}\n`,
    );
    process.exit(1);
  }
  const problems = deploySecretProblems([...listed, ...vars]);
  if (problems.length) {
    process.stderr.write(`check-secrets: env "${env}" cannot be deployed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`check-secrets: env "${env}" has WM_SECRET and an admin credential\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
