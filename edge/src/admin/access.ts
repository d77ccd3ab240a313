/**
 * Cloudflare Access as a second way into the admin API, active only when both
 * WM_ACCESS_TEAM_DOMAIN (`https://<team>.cloudflareaccess.com`) and WM_ACCESS_AUD (the Access
 * application's AUD tag) are set. Access puts a signed application token on every request it lets
 * through: the `Cf-Access-Jwt-Assertion` header (preferred: the cookie is not guaranteed) and, for
 * browsers, the `CF_Authorization` cookie. We verify it ourselves, because the worker is also
 * reachable by routes Access does not cover (workers.dev, another hostname).
 *
 * Checks (the token with `jose`'s jwtVerify, the rest here): RS256 only (never `none`/HS256: the
 * JWKS holds RSA public keys), a `kid` from the team's JWKS (`<team>/cdn-cgi/access/certs`), the
 * signature, `iss` = the team domain, `aud` containing WM_ACCESS_AUD, `exp`/`nbf`/`iat` with 60 s
 * of clock skew, and an `email` (service tokens carry none and are refused).
 *
 * The JWKS is cached per isolate for 5 minutes; an unknown kid (a key rotation) refetches at once,
 * but at most every 30 s, so made-up kids cannot turn into a flood of fetches. A JWKS that cannot be
 * fetched is a refusal like any other (401 "certs unavailable"), never a 5xx: the caller can do
 * nothing but retry, and the dashboard shows the reason on its login screen.
 */
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type JWTHeaderParameters, type ProtectedHeaderParameters } from 'jose';
import { z } from 'zod';
import { guardedFetch } from '../net/guarded-fetch';
import { ROLES, type Role } from '../../../protocol/team';

export const ACCESS_HEADER = 'cf-access-jwt-assertion';
export const ACCESS_COOKIE = 'CF_Authorization';
const CLOCK_SKEW_S = 60;
const JWKS_TTL_MS = 5 * 60_000;
const JWKS_REFETCH_MIN_MS = 30_000;
const MAX_TOKEN_LENGTH = 16_384;

/** The vars this module reads; Env (wrangler.toml) does not declare them, production sets them. */
export type AccessVars = { WM_ACCESS_TEAM_DOMAIN?: string; WM_ACCESS_AUD?: string; WM_ACCESS_ONLY?: string; WM_ACCESS_DEFAULT_ROLE?: string };
/**
 * `defaultRole`: the role of an Access email no team user has (docs/team.md). WM_ACCESS_DEFAULT_ROLE
 * unset keeps the behaviour from before roles (every email Access lets through is an admin), so an
 * upgrade locks nobody out; `none` refuses such emails, so only the users the admin added get in.
 */
export type AccessConfig = { issuer: string; certsUrl: string; aud: string; only: boolean; defaultRole: Role | null };
export type AccessIdentity = { email: string };
export type AccessResult = { ok: true; email: string } | { ok: false; reason: string };

/**
 * null when Access is not configured (both vars unset). Half a configuration, or a team domain that
 * is not an https URL, is a deployment mistake: thrown, so the route answers 503 and says which.
 */
export function accessConfig(env: Env & AccessVars): AccessConfig | null {
  const domain = env.WM_ACCESS_TEAM_DOMAIN?.trim() ?? '';
  const aud = env.WM_ACCESS_AUD?.trim() ?? '';
  if (!domain && !aud) return null;
  if (!domain || !aud) throw new Error('set both WM_ACCESS_TEAM_DOMAIN and WM_ACCESS_AUD (or neither)');
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`);
  } catch {
    throw new Error(`WM_ACCESS_TEAM_DOMAIN "${domain}" is not a host name or https URL`);
  }
  if (url.protocol !== 'https:' || url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash) {
    throw new Error(`WM_ACCESS_TEAM_DOMAIN must look like https://<team>.cloudflareaccess.com, got "${domain}"`);
  }
  const rawRole = env.WM_ACCESS_DEFAULT_ROLE?.trim().toLowerCase() || 'admin';
  const defaultRole = rawRole === 'none' ? null : ROLES.find((r) => r === rawRole);
  if (defaultRole === undefined) throw new Error(`WM_ACCESS_DEFAULT_ROLE must be one of ${ROLES.join(', ')} or none, got "${rawRole}"`);
  // Access writes iss as the bare origin, e.g. "https://myteam.cloudflareaccess.com".
  return { issuer: url.origin, certsUrl: `${url.origin}/cdn-cgi/access/certs`, aud, only: env.WM_ACCESS_ONLY === '1', defaultRole };
}

/** The token from the header, else from the cookie; null when the request carries neither. */
export function accessToken(headers: Headers): string | null {
  const header = headers.get(ACCESS_HEADER)?.trim();
  if (header) return header;
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === ACCESS_COOKIE) {
      const value = part.slice(eq + 1).trim();
      if (value) return value;
    }
  }
  return null;
}

// Claims checked before the signature, for the reasons they give (jose checks them again, after it).
const numericDate = z.number();
const claimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: numericDate,
  nbf: numericDate.optional(),
  iat: numericDate.optional(),
  email: z.string().optional(),
});
const jwkSchema = z.object({ kid: z.string().min(1), kty: z.string(), n: z.string().optional(), e: z.string().optional(), alg: z.string().optional() });
const jwksSchema = z.object({ keys: z.array(z.unknown()) });
const emailSchema = z.email();

/** Where the verification keys come from: the cached JWKS in the Worker, a fixed set in tests. */
export type KeySource = (kid: string) => Promise<CryptoKey | 'unknown-kid' | 'unavailable'>;

/** Thrown out of jose's key lookup when the key source has no key to give; becomes the refusal's reason. */
class NoKey extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** jose's refusal in Waymark's words (the reasons the dashboard's login screen shows). */
function reasonFor(err: unknown, config: AccessConfig, claims: z.infer<typeof claimsSchema>): string {
  if (err instanceof NoKey) return err.reason;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return `issuer ${claims.iss} is not ${config.issuer}`;
    if (err.claim === 'aud') return 'audience does not include this application (WM_ACCESS_AUD)';
    if (err.claim === 'nbf') return 'not valid yet (nbf)';
    return `claim ${err.claim} refused (${err.reason})`;
  }
  if (err instanceof joseErrors.JOSEError) return `malformed (${err.code})`;
  throw err; // not a verdict on the token: a bug, answered as a 5xx
}

/**
 * Verifies one token with jose (`jwtVerify`: RS256 only, the signature, iss, aud, exp and nbf with
 * the clock skew). What jose does not check is checked here: the shape of the header and claims
 * first (for precise reasons, before any key is looked up), `iat` not in the future, and the email.
 * Pure but for WebCrypto and the key source; `now` is in ms.
 */
export async function verifyAccessToken(token: string, config: AccessConfig, keys: KeySource, now: number): Promise<AccessResult> {
  const fail = (reason: string): AccessResult => ({ ok: false, reason: `Access token refused: ${reason}` });
  if (token.length > MAX_TOKEN_LENGTH) return fail('too long');
  if (token.split('.').length !== 3) return fail('malformed (expected header.payload.signature)');
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return fail('malformed header');
  }
  if (header.alg !== 'RS256') return fail(`algorithm ${String(header.alg)} is not accepted (RS256 only)`);
  if (typeof header.kid !== 'string' || !header.kid) return fail('no key id (kid)');
  let payload: unknown;
  try {
    payload = decodeJwt(token);
  } catch {
    payload = undefined;
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return fail(`malformed claims (${parsed.error.issues.map((i) => i.path.join('.') || 'payload').join(', ')})`);
  const claims = parsed.data;

  const key = async (h: JWTHeaderParameters): Promise<CryptoKey> => {
    const found = await keys(h.kid ?? '');
    if (found === 'unavailable') throw new NoKey('could not verify: the Access certs are unavailable, try again');
    if (found === 'unknown-kid') throw new NoKey(`unknown key id ${h.kid}`);
    return found;
  };
  try {
    await jwtVerify(token, key, {
      algorithms: ['RS256'],
      issuer: config.issuer,
      audience: config.aud,
      clockTolerance: CLOCK_SKEW_S,
      currentDate: new Date(now),
    });
  } catch (err) {
    return fail(reasonFor(err, config, claims));
  }
  // Claims only count once the signature holds (jwtVerify checked it before the claims).
  if (claims.iat !== undefined && claims.iat - CLOCK_SKEW_S > now / 1000) return fail('issued in the future (iat)');
  const email = emailSchema.safeParse(claims.email);
  if (!email.success) return fail('no email claim (service tokens cannot sign in)');
  return { ok: true, email: email.data.toLowerCase() };
}

type CachedJwks = { keys: Map<string, CryptoKey>; fetchedAt: number };
const jwksCache = new Map<string, CachedJwks>();

async function fetchJwks(certsUrl: string): Promise<Map<string, CryptoKey> | null> {
  try {
    const res = await guardedFetch(certsUrl, { headers: { accept: 'application/json' } });
    if (!res.ok) {
      console.error(`Access certs ${certsUrl} answered ${res.status}`);
      return null;
    }
    const body = jwksSchema.safeParse(await res.json());
    if (!body.success) {
      console.error(`Access certs ${certsUrl}: no "keys" array`);
      return null;
    }
    const keys = new Map<string, CryptoKey>();
    for (const raw of body.data.keys) {
      const jwk = jwkSchema.safeParse(raw);
      // Only RSA signing keys; anything else in the set is skipped, not fatal.
      if (!jwk.success || jwk.data.kty !== 'RSA' || !jwk.data.n || !jwk.data.e || (jwk.data.alg && jwk.data.alg !== 'RS256')) continue;
      try {
        const key = await importJWK({ kty: 'RSA', n: jwk.data.n, e: jwk.data.e }, 'RS256');
        // A public RSA JWK always imports as a CryptoKey (jose returns bytes only for symmetric "oct" keys).
        if (!(key instanceof CryptoKey)) continue;
        keys.set(jwk.data.kid, key);
      } catch (e) {
        console.error(`Access certs ${certsUrl}: key ${jwk.data.kid} does not import`, e);
      }
    }
    return keys;
  } catch (e) {
    console.error(`Access certs ${certsUrl} could not be fetched`, e);
    return null;
  }
}

/** The Worker's key source: the team's JWKS, cached in the isolate (see the top of this file). */
export function cachedJwks(certsUrl: string, now: () => number = Date.now): KeySource {
  return async (kid) => {
    let cached = jwksCache.get(certsUrl);
    const stale = !cached || now() - cached.fetchedAt > JWKS_TTL_MS;
    const rotated = cached && !cached.keys.has(kid) && now() - cached.fetchedAt > JWKS_REFETCH_MIN_MS;
    if (stale || rotated) {
      const keys = await fetchJwks(certsUrl);
      if (keys) {
        cached = { keys, fetchedAt: now() };
        jwksCache.set(certsUrl, cached);
      } else if (!cached) {
        return 'unavailable';
      }
      // A failed refresh keeps serving the keys we had: Access keeps old keys valid for 7 days.
    }
    return cached?.keys.get(kid) ?? 'unknown-kid';
  };
}

/** The request's Access identity: null when it carries no token, else the verdict. */
export async function accessIdentity(headers: Headers, config: AccessConfig, now = Date.now()): Promise<AccessResult | null> {
  const token = accessToken(headers);
  if (token === null) return null;
  return verifyAccessToken(token, config, cachedJwks(config.certsUrl), now);
}
