// The permission model (protocol/api-tokens.ts): the order of levels, the first-match route rules,
// and the token body schema. edge/test/admin-tokens.test.ts checks the Hono app's routes against it.
/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTokenBodySchema, grants, PERMISSIONS, ROLE_PERMISSIONS, ROUTE_RULES, routeNeed, TOKEN_SCOPES } from './api-tokens';

describe('permission levels', () => {
  it('are ordered read < write < publish < admin, each granting the ones below it', () => {
    expect(PERMISSIONS).toEqual(['read', 'write', 'publish', 'admin']);
    const granted = (held: (typeof PERMISSIONS)[number]) => PERMISSIONS.filter((needed) => grants(held, needed));
    expect(granted('read')).toEqual(['read']);
    expect(granted('write')).toEqual(['read', 'write']);
    expect(granted('publish')).toEqual(['read', 'write', 'publish']);
    expect(granted('admin')).toEqual([...PERMISSIONS]);
  });

  it('no token scope reaches admin', () => {
    expect(TOKEN_SCOPES).not.toContain('admin');
    for (const scope of TOKEN_SCOPES) expect(grants(scope, 'admin')).toBe(false);
  });

  it("maps issue #12's roles onto the same levels", () => {
    expect(ROLE_PERMISSIONS).toEqual({ viewer: 'read', editor: 'write', publisher: 'publish', admin: 'admin' });
  });
});

describe('routeNeed', () => {
  const need = (method: string, path: string) => routeNeed(method, path).access;

  it('reads are read, item edits write, site settings and webhooks publish, tokens admin', () => {
    expect(need('GET', '/sites')).toBe('read');
    expect(need('GET', '/sites/demo/segments/vip')).toBe('read');
    expect(need('HEAD', '/sites/demo')).toBe('read');
    for (const collection of ['segments', 'slots', 'messages', 'journeys']) {
      expect(need('PUT', `/sites/demo/${collection}/x`)).toBe('write');
      expect(need('DELETE', `/sites/demo/${collection}/x`)).toBe('write');
    }
    expect(need('PUT', '/sites/demo')).toBe('publish');
    expect(need('PUT', '/sites/demo/webhooks/crm')).toBe('publish');
    expect(need('DELETE', '/sites/demo/webhooks/crm')).toBe('publish');
    expect(need('POST', '/sites/demo/webhooks/crm/rotate-secret')).toBe('publish');
    expect(need('GET', '/sites/demo/identify-key')).toBe('publish');
    expect(need('GET', '/tokens')).toBe('admin');
    expect(need('POST', '/tokens')).toBe('admin');
    expect(need('DELETE', '/tokens/tok_x')).toBe('admin');
    expect(need('POST', '/logout')).toBe('session');
    expect(need('POST', '/login')).toBe('public');
  });

  it('fails closed: a request no rule matches needs admin', () => {
    expect(routeNeed('PATCH', '/sites/demo')).toEqual({ access: 'admin', site: null, rule: null });
    expect(need('GET', '/sites/demo/something/new/here')).toBe('admin');
    expect(need('POST', '/sites/demo/segments/x')).toBe('admin');
    // Empty segments match nothing: a route reached by an odd spelling is not given a lower permission.
    expect(need('GET', '/sites/demo/')).toBe('admin');
    expect(need('PUT', '/sites//segments/x')).toBe('admin');
    expect(need('PUT', '/sites/demo//x')).toBe('admin');
  });

  it('names the :site the request reaches (decoded), and none for routes without one', () => {
    expect(routeNeed('GET', '/sites/shop-eu/analytics/overview').site).toBe('shop-eu');
    expect(routeNeed('PUT', '/sites/a%2Db/slots/hero').site).toBe('a-b');
    expect(routeNeed('GET', '/sites').site).toBeNull();
    expect(routeNeed('GET', '/tokens').site).toBeNull();
  });

  it('every rule is reachable: no earlier rule shadows it', () => {
    for (const rule of ROUTE_RULES) {
      const concrete = rule.path.replace(/:[A-Za-z]+/g, 'probe');
      const found = routeNeed(rule.method, concrete).rule;
      // Only a generic rule with the same access may come first (none does today).
      if (found !== rule) expect(found?.access, `${rule.method} ${rule.path} is shadowed by ${found?.path}`).toBe(rule.access);
    }
  });
});

describe('createTokenBodySchema', () => {
  it('accepts a named, scoped token for some sites or all, with an optional expiry', () => {
    expect(createTokenBodySchema.parse({ name: ' CI deploy ', scope: 'write' })).toEqual({ name: 'CI deploy', scope: 'write' });
    expect(createTokenBodySchema.parse({ name: 'ci', scope: 'read', sites: ['demo'], expiresInDays: 30 }).sites).toEqual(['demo']);
    expect(createTokenBodySchema.parse({ name: 'ci', scope: 'publish', sites: null, expiresInDays: null }).sites).toBeNull();
  });

  it.each([
    [{ scope: 'read' }, 'name'],
    [{ name: '', scope: 'read' }, 'name'],
    [{ name: '<script>', scope: 'read' }, 'name'],
    [{ name: 'x'.repeat(65), scope: 'read' }, 'name'],
    [{ name: 'ci', scope: 'admin' }, 'scope'],
    [{ name: 'ci', scope: 'read', sites: [] }, 'sites'],
    [{ name: 'ci', scope: 'read', sites: ['Not A Site'] }, 'sites'],
    [{ name: 'ci', scope: 'read', sites: ['demo', 'demo'] }, 'sites'],
    [{ name: 'ci', scope: 'read', expiresInDays: 0 }, 'expiresInDays'],
    [{ name: 'ci', scope: 'read', expiresInDays: 1.5 }, 'expiresInDays'],
    [{ name: 'ci', scope: 'read', secret: 'wm_mine' }, ''],
  ])('refuses %j at %s', (body, path) => {
    const parsed = createTokenBodySchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => String(i.path[0] ?? ''))).toContain(path);
  });
});

describe('docs/api-tokens.md', () => {
  it('lists every route rule, in order, with its access', () => {
    const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../docs/api-tokens.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `(GET|POST|PUT|DELETE) ([^`]+)` +\| (\w+) +\|$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(rows).toEqual(ROUTE_RULES.map((r) => `${r.method} ${r.path} ${r.access}`));
  });
});
