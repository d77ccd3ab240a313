// The production deploy's secret check (scripts/check-secrets.mjs, run as `predeploy`) and the
// wrangler setting it relies on for WM_SECRET (wrangler.toml, read by wrangler 4.86's own config
// reader, offline): production requires WM_SECRET, local dev requires nothing (`npm start` runs
// on its [vars]).
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { deploySecretProblems, secretNames } from './check-secrets.mjs';

describe('deploySecretProblems', () => {
  it('passes WM_SECRET with a password hash, or with both Access values', () => {
    expect(deploySecretProblems(['WM_SECRET', 'WM_ADMIN_PASSWORD_HASH'])).toEqual([]);
    expect(deploySecretProblems(['WM_SECRET', 'WM_ACCESS_TEAM_DOMAIN', 'WM_ACCESS_AUD'])).toEqual([]);
    expect(deploySecretProblems(['WM_SECRET', 'WM_ADMIN_PASSWORD_HASH', 'WM_ACCESS_TEAM_DOMAIN', 'WM_ACCESS_AUD', 'OTHER'])).toEqual([]);
  });

  it('names what is missing', () => {
    expect(deploySecretProblems(['WM_ADMIN_PASSWORD_HASH'])).toEqual([expect.stringMatching(/^WM_SECRET is not set/)]);
    expect(deploySecretProblems(['WM_SECRET'])).toEqual([expect.stringMatching(/^no admin credential: set WM_ADMIN_PASSWORD_HASH .* or Cloudflare Access/)]);
    expect(deploySecretProblems([])).toHaveLength(2);
  });

  it('refuses half an Access configuration, password or not', () => {
    expect(deploySecretProblems(['WM_SECRET', 'WM_ACCESS_AUD'])).toEqual([expect.stringMatching(/half configured.*only WM_ACCESS_AUD/)]);
    expect(deploySecretProblems(['WM_SECRET', 'WM_ADMIN_PASSWORD_HASH', 'WM_ACCESS_TEAM_DOMAIN'])).toEqual([expect.stringMatching(/half configured/)]);
  });
});

describe('secretNames', () => {
  it('reads the names from `wrangler secret list --format json`', () => {
    expect(secretNames('[{"name":"WM_SECRET","type":"secret_text"},{"name":"WM_ADMIN_PASSWORD_HASH","type":"secret_text"}]')).toEqual([
      'WM_SECRET',
      'WM_ADMIN_PASSWORD_HASH',
    ]);
    expect(() => secretNames('{"error":"x"}')).toThrow(/JSON array/);
  });
});

describe('wrangler.toml', () => {
  it('production requires WM_SECRET (wrangler fails the upload without it); local dev requires nothing', () => {
    const production = unstable_readConfig({ config: 'wrangler.toml', env: 'production' }, { hideWarnings: true });
    expect(production.secrets?.required).toEqual(['WM_SECRET']);
    // Production has no dev secret or password to fall back on: they are top-level [vars], not inherited.
    expect(production.vars).toEqual({});
    const dev = unstable_readConfig({ config: 'wrangler.toml' }, { hideWarnings: true });
    expect(dev.secrets?.required ?? []).toEqual([]);
    expect(dev.vars).toMatchObject({ WM_DEMO: '1', WM_SECRET: expect.stringMatching(/^dev-only-/) });
  });
});
