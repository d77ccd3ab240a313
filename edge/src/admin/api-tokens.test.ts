// Token secrets and the Authorization header, in plain Node (the table is tested in workerd:
// edge/test/admin-tokens.test.ts).
import { describe, expect, it } from 'vitest';
import { TOKEN_SECRET_PATTERN } from '../../../protocol/api-tokens';
import { newTokenSecret, parseAuthorization, tokenSecretHash } from './api-tokens';

describe('token secrets', () => {
  it('are wm_ and 256 random bits, different every time', () => {
    const a = newTokenSecret();
    const b = newTokenSecret();
    expect(a).toMatch(TOKEN_SECRET_PATTERN);
    expect(a).not.toBe(b);
  });

  it('are stored as their SHA-256, which is not the secret', async () => {
    const secret = newTokenSecret();
    const hash = await tokenSecretHash(secret);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain(secret.slice(3));
    expect(await tokenSecretHash(secret)).toBe(hash);
    expect(await tokenSecretHash(newTokenSecret())).not.toBe(hash);
  });
});

describe('parseAuthorization', () => {
  const secret = newTokenSecret();

  it('takes "Bearer wm_…", the scheme in any case', () => {
    expect(parseAuthorization(`Bearer ${secret}`)).toEqual({ kind: 'token', secret });
    expect(parseAuthorization(`bearer  ${secret} `)).toEqual({ kind: 'token', secret });
  });

  it.each([
    ['Bearer', /no token after "Bearer"/],
    ['Bearer wm_short', /malformed API token/],
    ['Bearer not-a-token-at-all', /malformed API token/],
    [secret, /no scheme/],
    [`Token ${secret}`, /scheme "Token" is not accepted/],
  ])('refuses %s with a reason', (header, reason) => {
    const parsed = parseAuthorization(header);
    expect(parsed.kind).toBe('refused');
    if (parsed.kind === 'refused') expect(parsed.reason).toMatch(reason);
  });

  it('leaves another scheme (HTTP Basic from a gate in front) to the session cookie', () => {
    expect(parseAuthorization('Basic dXNlcjpwYXNz')).toEqual({ kind: 'none' });
  });
});
