// The sign-in line `npm start` prints: checked against the hash the local worker really uses.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script with no declaration file (it must run without a build)
import { DEMO_PASSWORD, dotenvVar, localSignIn, passwordMatches, tomlVar } from './local-sign-in.mjs';

const wranglerToml = readFileSync('wrangler.toml', 'utf8');
const otherHash = execFileSync('node', ['scripts/admin-hash.mjs', 'something else'], { encoding: 'utf8' }).trim();

describe('local sign-in', () => {
  it('reads the top-level [vars] only, not [env.production.vars]', () => {
    const toml = '[vars]\nA = "local"\n\n[env.production.vars]\nA = "prod"\nB = "prod only"\n';
    expect(tomlVar(toml, 'A')).toBe('local');
    expect(tomlVar(toml, 'B')).toBeUndefined();
    expect(dotenvVar('# comment\nA="quoted"\nB=plain\n', 'A')).toBe('quoted');
    expect(dotenvVar('B=plain\n', 'B')).toBe('plain');
  });

  it("this repository's wrangler.toml hash is the demo password's (the password printed is the real one)", () => {
    const hash: string = tomlVar(wranglerToml, 'WM_ADMIN_PASSWORD_HASH');
    expect(passwordMatches(DEMO_PASSWORD, hash)).toBe(true);
    expect(passwordMatches('waymark-demo ', hash)).toBe(false);
    expect(localSignIn({ wranglerToml, devVars: null })).toBe(`password ${DEMO_PASSWORD}   (local only: WM_ADMIN_PASSWORD_HASH in wrangler.toml [vars])`);
  });

  it('a .dev.vars hash wins, as in wrangler dev; a password it does not know is not printed', () => {
    expect(localSignIn({ wranglerToml, devVars: `WM_ADMIN_PASSWORD_HASH=${otherHash}\n` })).toBe(
      'the password whose hash .dev.vars sets as WM_ADMIN_PASSWORD_HASH',
    );
    expect(localSignIn({ wranglerToml, devVars: 'OTHER=1\n' })).toContain(`password ${DEMO_PASSWORD}`);
    expect(localSignIn({ wranglerToml: '[vars]\n', devVars: null })).toMatch(/^no admin password is set/);
    expect(passwordMatches(DEMO_PASSWORD, 'not-a-hash')).toBe(false);
  });
});
