// Drafts and versions (issue #12 point 3, and point 4's optional approval) against the real app
// and its Durable Objects: draft edits stay out of live until published, KV `draft:<site>` follows
// the draft, publish makes a numbered version with a diff, conflicts are refused, revert makes a
// new version equal to the old one, the schedule publishes from the object's alarm (run directly)
// and can be cancelled, approval refuses by permission (write and publish API tokens), and audit
// entries carry their versions.
import { SELF, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, DraftResponse, VersionResponse, VersionsResponse } from '../../protocol/admin';
import type { TokenCreatedResponse } from '../../protocol/api-tokens';
import type { SiteConfig } from '../../protocol/config/site';
import { siteAdmin } from '../src/admin/objects';
import { draftKey } from '../src/admin/site-admin';
import { ADMIN_API, adminCall, adminLogin, ORIGIN, type AdminSession } from './helpers';

let clients = 0;
const login = () => adminLogin(`198.51.100.${10 + (++clients % 100)}`);
let sites = 0;
const freshSite = () => `draft-${Date.now().toString(36)}-${++sites}`;

type Draft = DraftResponse<SiteConfig>;
type ErrorBody = { error: string; conflicts?: string[]; usedBy?: string[] };

const vip = { name: 'VIP', condition: { trait: 'plan', test: { op: 'eq', value: 'gold' } } };
const hero = (text: string) => ({ name: 'Hero', variants: [{ segment: 'vip', priority: 1, content: { type: 'text', text } }] });

async function createSite(s: AdminSession): Promise<string> {
  const id = freshSite();
  let res = await adminCall(s, 'PUT', `/sites/${id}`, { name: 'Draft shop', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
  expect(res.status).toBe(200);
  res = await adminCall(s, 'PUT', `/sites/${id}/segments/vip`, { ...vip, baseVersion: 1 });
  expect(res.status).toBe(200);
  res = await adminCall(s, 'PUT', `/sites/${id}/slots/hero`, { ...hero('Live v1'), baseVersion: 2 });
  expect(res.status).toBe(200);
  return id;
}

async function json<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

const live = async (s: AdminSession, site: string) => (await json<{ site: SiteConfig }>(await adminCall(s, 'GET', `/sites/${site}`))).site;
const liveHero = async (s: AdminSession, site: string) => live(s, site).then((c) => c.slots.find((x) => x.id === 'hero')?.variants[0]?.content);
const kvDraft = async (site: string) => env.CONFIG.get<SiteConfig>(draftKey(site), 'json');

function withToken(secret: string, method: string, path: string, body?: unknown): Promise<Response> {
  return SELF.fetch(`${ADMIN_API}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function token(s: AdminSession, scope: 'write' | 'publish', site: string): Promise<string> {
  const made = await json<TokenCreatedResponse>(await adminCall(s, 'POST', '/tokens', { name: `${scope} ${site}`, scope, sites: [site] }), 201);
  return made.secret;
}

describe('drafts', () => {
  it('keeps edits out of live until published; KV draft:<site> follows the draft; publish makes a version with a diff', async () => {
    const s = await login();
    const site = await createSite(s);
    expect(await kvDraft(site)).toBeNull();
    const none = await json<Draft>(await adminCall(s, 'GET', `/sites/${site}/draft`));
    expect(none).toMatchObject({ status: 'none', changes: [], version: 3 });

    const edited = await json<Draft>(await adminCall(s, 'PUT', `/sites/${site}/draft/slots/hero`, hero('Draft text')));
    expect(edited.status).toBe('editing');
    expect(edited.changes).toMatchObject([{ collection: 'slots', id: 'hero', change: 'changed', by: 'user:admin' }]);
    expect(edited.site.slots[0]!.variants[0]!.content).toEqual({ type: 'text', text: 'Draft text' });
    expect(edited.diff.items).toMatchObject([
      { collection: 'slots', id: 'hero', change: 'changed', fields: [{ label: 'Variants › 1 › Content › Text', before: '"Live v1"', after: '"Draft text"' }] },
    ]);
    // Live is untouched; the effective draft is in KV in the format of site:<id>.
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'Live v1' });
    const stored = await kvDraft(site);
    expect(stored?.slots[0]!.variants[0]!.content).toEqual({ type: 'text', text: 'Draft text' });
    expect(stored?.version).toBe(3);
    expect(await env.CONFIG.get(`site:${site}`, 'json')).toMatchObject({ version: 3 });

    // A new segment and a deletion in the draft; a bad item is a 400 like a live write's.
    await json<Draft>(await adminCall(s, 'PUT', `/sites/${site}/draft/segments/fans`, { name: 'Fans', condition: { everyone: true } }));
    const bad = await json<ErrorBody>(
      await adminCall(s, 'PUT', `/sites/${site}/draft/slots/promo`, {
        name: 'P',
        variants: [{ segment: 'nobody', priority: 1, content: { type: 'text', text: 'x' } }],
      }),
      400,
    );
    expect(bad.error).toMatch(/not valid/);
    expect((await json<ErrorBody>(await adminCall(s, 'DELETE', `/sites/${site}/draft/segments/vip`), 409)).usedBy).toEqual(['slots/hero']);
    expect((await json<ErrorBody>(await adminCall(s, 'PUT', `/sites/${site}/draft/webhooks/crm`, { name: 'x' }), 400)).error).toMatch(
      /webhooks are published directly/,
    );

    const published = await json<{ version: number; site: SiteConfig }>(await adminCall(s, 'POST', `/sites/${site}/draft/publish`));
    expect(published.version).toBe(4);
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'Draft text' });
    expect((await live(s, site)).segments.map((x) => x.id)).toEqual(['vip', 'fans']);
    expect(await kvDraft(site)).toBeNull();
    expect((await json<Draft>(await adminCall(s, 'GET', `/sites/${site}/draft`))).status).toBe('none');

    const v4 = await json<VersionResponse>(await adminCall(s, 'GET', `/sites/${site}/versions/4`));
    expect(v4).toMatchObject({ version: 4, previousVersion: 3, actor: 'user:admin' });
    expect(v4.diff.summary).toBe('added segment "fans"; changed slot "hero"');
    expect(v4.summary).toBe('published the draft: added segment "fans"; changed slot "hero"');
    const list = await json<VersionsResponse>(await adminCall(s, 'GET', `/sites/${site}/versions`));
    expect(list.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(list.versions[1]).toMatchObject({ actor: 'user:admin', summary: 'created slot "hero"' });

    // The audit log links each change to its version: the publish, and each drafted item.
    const audit = (await json<{ entries: AuditEntry[] }>(await adminCall(s, 'GET', `/sites/${site}/audit`))).entries;
    const atV4 = audit.filter((e) => e.afterVersion === 4).map((e) => [e.action, e.path]);
    expect(atV4).toEqual(
      expect.arrayContaining([
        ['publish', `sites/${site}`],
        ['update', `sites/${site}/slots/hero`],
        ['create', `sites/${site}/segments/fans`],
      ]),
    );
    expect((await json<ErrorBody>(await adminCall(s, 'POST', `/sites/${site}/draft/publish`), 404)).error).toMatch(/no draft/);
  }, 60_000);

  it('refuses a publish over an item live changed since the draft copied it (409 naming it), merging untouched ones; discard drops the draft', async () => {
    const s = await login();
    const site = await createSite(s);
    await json<Draft>(await adminCall(s, 'PUT', `/sites/${site}/draft/slots/hero`, hero('Draft')));
    // Live moves: the hero (conflict), then the VIP segment (untouched by the draft).
    await json(await adminCall(s, 'PUT', `/sites/${site}/slots/hero`, { ...hero('Live v2'), baseVersion: 3 }));
    await json(await adminCall(s, 'PUT', `/sites/${site}/segments/vip`, { ...vip, name: 'Gold', baseVersion: 4 }));
    const draft = await json<Draft>(await adminCall(s, 'GET', `/sites/${site}/draft`));
    expect(draft.conflicts).toEqual(['slots/hero']);
    // KV draft:<site> follows live's new versions too.
    expect((await kvDraft(site))?.segments[0]!.name).toBe('Gold');
    const refused = await json<ErrorBody>(await adminCall(s, 'POST', `/sites/${site}/draft/publish`), 409);
    expect(refused.conflicts).toEqual(['slots/hero']);
    expect(refused.error).toMatch(/slots\/hero/);
    // The draft's base stays what it copied: discard, and redo the edit on top of live's value.
    const discarded = await json<Draft>(await adminCall(s, 'DELETE', `/sites/${site}/draft`));
    expect(discarded.status).toBe('none');
    expect(await kvDraft(site)).toBeNull();
    await json<Draft>(await adminCall(s, 'PUT', `/sites/${site}/draft/slots/hero`, hero('Draft again')));
    const published = await json<{ site: SiteConfig; version: number }>(await adminCall(s, 'POST', `/sites/${site}/draft/publish`));
    expect(published.site.segments[0]!.name).toBe('Gold');
    expect(published.site.slots[0]!.variants[0]!.content).toEqual({ type: 'text', text: 'Draft again' });
    const audit = (await json<{ entries: AuditEntry[] }>(await adminCall(s, 'GET', `/sites/${site}/audit`))).entries;
    expect(audit.some((e) => e.action === 'discard')).toBe(true);
  }, 60_000);
});

describe('versions', () => {
  it('revert is one step and creates a NEW version equal to the old one', async () => {
    const s = await login();
    const site = await createSite(s);
    await json(await adminCall(s, 'PUT', `/sites/${site}/draft/slots/hero`, hero('Second')));
    await json(await adminCall(s, 'POST', `/sites/${site}/draft/publish`));
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'Second' });
    const reverted = await json<{ version: number; site: SiteConfig }>(await adminCall(s, 'POST', `/sites/${site}/versions/3/revert`));
    expect(reverted.version).toBe(5);
    const v3 = await json<VersionResponse<SiteConfig>>(await adminCall(s, 'GET', `/sites/${site}/versions/3`));
    const v5 = await json<VersionResponse<SiteConfig>>(await adminCall(s, 'GET', `/sites/${site}/versions/5`));
    expect({ ...v5.config, version: 0 }).toEqual({ ...v3.config, version: 0 });
    expect(v5.summary).toBe('reverted to version 3: changed slot "hero"');
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'Live v1' });
    expect((await env.CONFIG.get<SiteConfig>(`site:${site}`, 'json'))!.version).toBe(5);
    expect((await json<ErrorBody>(await adminCall(s, 'POST', `/sites/${site}/versions/99/revert`), 404)).error).toMatch(/no version 99/);
    expect((await adminCall(s, 'GET', `/sites/${site}/versions/abc`)).status).toBe(400);
  }, 60_000);
});

describe('schedule', () => {
  it('publishes the draft from the alarm as whoever scheduled it; cancel removes it', async () => {
    const s = await login();
    const site = await createSite(s);
    await json(await adminCall(s, 'PUT', `/sites/${site}/draft/slots/hero`, hero('Scheduled')));
    const past = await json<ErrorBody>(await adminCall(s, 'PUT', `/sites/${site}/draft/schedule`, { at: new Date(Date.now() - 1000).toISOString() }), 400);
    expect(past.error).toMatch(/future/);
    expect((await adminCall(s, 'PUT', `/sites/${site}/draft/schedule`, { at: 'tomorrow' })).status).toBe(400);

    const at = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await json<Draft>(await adminCall(s, 'PUT', `/sites/${site}/draft/schedule`, { at }));
    expect(scheduled.schedule).toEqual({ at, by: 'user:admin' });
    const stub = siteAdmin(env, site);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBe(Date.parse(at));

    // Cancel: no alarm, no schedule; the draft stays.
    const cancelled = await json<Draft>(await adminCall(s, 'DELETE', `/sites/${site}/draft/schedule`));
    expect(cancelled).toMatchObject({ schedule: null, status: 'editing' });
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'Live v1' });

    // Scheduled again, then due: the alarm publishes it.
    await json<Draft>(await adminCall(s, 'PUT', `/sites/${site}/draft/schedule`, { at: new Date(Date.now() + 3_600_000).toISOString() }));
    // Its time has come (the alarm itself stays set for later: runDurableObjectAlarm runs it now).
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec('UPDATE draft_state SET schedule_at = ?', Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'Scheduled' });
    expect((await json<Draft>(await adminCall(s, 'GET', `/sites/${site}/draft`))).status).toBe('none');
    const audit = (await json<{ entries: AuditEntry[] }>(await adminCall(s, 'GET', `/sites/${site}/audit`))).entries;
    const actions = audit.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['schedule', 'unschedule', 'publish']));
    const publish = audit.find((e) => e.action === 'publish')!;
    expect(publish).toMatchObject({ who: 'user:admin', afterVersion: 4 });
    expect(publish.summary).toMatch(/on schedule/);
  }, 60_000);
});

describe('approval', () => {
  it('with requireApproval, a write token edits and submits, cannot publish, schedule or write items directly; a publisher approves', async () => {
    const s = await login();
    const site = await createSite(s);
    const writer = await token(s, 'write', site);
    const publisher = await token(s, 'publish', site);

    // Off (the default): write may publish the draft.
    await json(await withToken(writer, 'PUT', `/sites/${site}/draft/slots/hero`, hero('By writer')));
    await json(await withToken(writer, 'POST', `/sites/${site}/draft/publish`));
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'By writer' });

    // On: the setting is a publish-level site write.
    const config = await live(s, site);
    expect((await withToken(writer, 'PUT', `/sites/${site}`, { ...config, requireApproval: true })).status).toBe(403);
    await json(await withToken(publisher, 'PUT', `/sites/${site}`, { ...config, requireApproval: true }));

    const direct = await json<ErrorBody>(await withToken(writer, 'PUT', `/sites/${site}/slots/hero`, { ...hero('Sneaky'), baseVersion: 5 }), 403);
    expect(direct.error).toMatch(/requires approval/);
    expect((await withToken(writer, 'DELETE', `/sites/${site}/slots/hero?version=5`)).status).toBe(403);

    const drafted = await json<Draft>(await withToken(writer, 'PUT', `/sites/${site}/draft/slots/hero`, hero('Needs approval')));
    expect(drafted).toMatchObject({ requireApproval: true, you: { mayPublish: false, mayApprove: false } });
    expect((await json<ErrorBody>(await withToken(writer, 'POST', `/sites/${site}/draft/publish`), 403)).error).toMatch(/requires approval/);
    expect((await withToken(writer, 'PUT', `/sites/${site}/draft/schedule`, { at: new Date(Date.now() + 60_000).toISOString() })).status).toBe(403);
    expect((await withToken(writer, 'POST', `/sites/${site}/draft/approve`)).status).toBe(403); // route needs publish
    expect((await json<ErrorBody>(await withToken(publisher, 'POST', `/sites/${site}/draft/approve`), 404)).error).toMatch(/waiting for approval/);

    const submitted = await json<Draft>(await withToken(writer, 'POST', `/sites/${site}/draft/submit`));
    expect(submitted).toMatchObject({ status: 'submitted', submitted: { by: expect.stringMatching(/^token:/) } });
    // A rejection sends it back to editing; submitted again, the publisher approves it.
    expect((await json<Draft>(await withToken(publisher, 'POST', `/sites/${site}/draft/reject`, { reason: 'typo' }))).status).toBe('editing');
    await json<Draft>(await withToken(writer, 'POST', `/sites/${site}/draft/submit`));
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'By writer' });
    const approved = await json<{ version: number }>(await withToken(publisher, 'POST', `/sites/${site}/draft/approve`));
    expect(approved.version).toBe(6);
    expect(await liveHero(s, site)).toEqual({ type: 'text', text: 'Needs approval' });
    const audit = (await json<{ entries: AuditEntry[] }>(await adminCall(s, 'GET', `/sites/${site}/audit`))).entries;
    const hero6 = audit.find((e) => e.afterVersion === 6 && e.path.endsWith('/slots/hero'))!;
    expect(hero6.who).toMatch(/^token:/);
    expect(audit.find((e) => e.afterVersion === 6 && e.action === 'publish')!.summary).toMatch(/approved/);
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['submit', 'reject']));
    // The publisher still writes directly.
    await json(await withToken(publisher, 'PUT', `/sites/${site}/slots/hero`, { ...hero('Direct'), baseVersion: 6 }));
  }, 60_000);
});
