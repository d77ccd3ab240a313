// POST /_wm/e from the outside: bad input gets a clear 4xx with a reason, good events in a mixed
// batch are kept, and the same event id is counted once.
import { type APIRequestContext, type APIResponse } from '@playwright/test';
import { expect, test } from './support/test';
import type { CollectResponse, ErrorResponse } from '../protocol/wire';
import { COLLECT_PATH, MAX_BODY_BYTES, VISITOR_COOKIE } from '../protocol/limits';
import { ORIGIN, pageEvent, readProfile, trackEvent } from './support/waymark';

const TEXT = { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN };

function post(request: APIRequestContext, body: unknown, headers: Record<string, string> = TEXT) {
  return request.post(COLLECT_PATH, {
    data: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });
}

async function expectError(res: APIResponse, status: number): Promise<ErrorResponse> {
  const text = await res.text();
  expect(res.status(), text).toBe(status);
  expect(res.headers()['content-type'], text).toContain('application/json');
  const body = JSON.parse(text) as ErrorResponse;
  expect(typeof body.error, text).toBe('string');
  expect(body.error.length, 'a reason, not an empty error').toBeGreaterThan(0);
  return body;
}

test('a good batch is accepted and sets the visitor cookie', async ({ request }) => {
  const event = pageEvent('/');
  const res = await post(request, { site: 'demo', events: [event] });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as CollectResponse;
  expect(body).toMatchObject({ accepted: [event.id], duplicates: [], rejected: [] });
  expect(Array.isArray(body.decisions)).toBe(true);

  const setCookie = res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => h.value);
  const vid = setCookie.find((v) => v.startsWith(`${VISITOR_COOKIE}=`));
  expect(vid, `Set-Cookie: ${setCookie.join(' | ')}`).toBeDefined();
  expect(vid).toMatch(/;\s*HttpOnly/i);
  expect(vid).toMatch(/;\s*SameSite=Lax/i);

  // application/json is accepted as well as the beacon-friendly text/plain.
  const json = await post(
    request,
    { site: 'demo', events: [pageEvent('/cart')] },
    {
      'content-type': 'application/json',
      origin: ORIGIN,
    },
  );
  expect(json.status(), await json.text()).toBe(200);
});

test('malformed JSON -> 400 with a reason', async ({ request }) => {
  await expectError(await post(request, '{"site":"demo","events":[{"id":'), 400);
});

test('a bad envelope -> 400 with the issues', async ({ request }) => {
  for (const envelope of [
    { events: [pageEvent()] }, // no site
    { site: 'demo', events: [] }, // no events
    { site: 'demo', events: 'nope' },
    { site: 'demo', events: [pageEvent()], extra: true }, // unknown key
  ]) {
    const body = await expectError(await post(request, envelope), 400);
    expect(body.error + JSON.stringify(body.issues ?? ''), JSON.stringify(envelope)).not.toBe('');
  }
});

test('a mixed batch: the good event is stored, the bad one rejected with a reason', async ({ request }) => {
  const good = trackEvent('add_to_cart', { props: { sku: 'WM-TR-01' } });
  const bad = { ...trackEvent('x'), name: undefined, id: 'short' }; // no name, id too short
  const res = await post(request, { site: 'demo', events: [good, bad] });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as CollectResponse;
  expect(body.accepted).toEqual([good.id]);
  expect(body.rejected).toHaveLength(1);
  expect(body.rejected[0]!.index).toBe(1);
  expect(body.rejected[0]!.reason.length).toBeGreaterThan(0);

  const read = await readProfile(request);
  expect(read.status, read.text).toBe(200);
  expect(read.profile!.events.map((e) => e.id)).toEqual([good.id]);
});

test('a batch where every event is invalid -> 400 with each rejection', async ({ request }) => {
  const body = await expectError(
    await post(request, {
      site: 'demo',
      events: [{ type: 'page' }, { ...pageEvent(), url: 'javascript:alert(1)' }],
    }),
    400,
  );
  expect(body.rejected?.map((r) => r.index)).toEqual([0, 1]);
  for (const r of body.rejected ?? []) expect(r.reason.length).toBeGreaterThan(0);
});

test('a body over MAX_BODY_BYTES -> 413 with a reason', async ({ request }) => {
  const filler = 'x'.repeat(1000);
  const events = Array.from({ length: 40 }, () => trackEvent('big', { props: { filler } }));
  const raw = JSON.stringify({ site: 'demo', events });
  expect(raw.length).toBeGreaterThan(MAX_BODY_BYTES);
  await expectError(await post(request, raw), 413);
});

test('another content type -> 415 with a reason', async ({ request }) => {
  const raw = JSON.stringify({ site: 'demo', events: [pageEvent()] });
  await expectError(await post(request, raw, { 'content-type': 'application/xml', origin: ORIGIN }), 415);
});

test('a disallowed Origin -> 403 with a reason', async ({ request }) => {
  const raw = JSON.stringify({ site: 'demo', events: [pageEvent()] });
  await expectError(await post(request, raw, { ...TEXT, origin: 'https://evil.example' }), 403);
});

test('an unknown site -> 404 with a reason', async ({ request }) => {
  await expectError(await post(request, { site: 'no-such-site', events: [pageEvent()] }), 404);
});

test('the same event id twice: acknowledged as a duplicate, counted once', async ({ request }) => {
  const event = trackEvent('wishlist_add', { props: { sku: 'WM-SS-04' } });
  const first = await post(request, { site: 'demo', events: [event] });
  expect(first.status(), await first.text()).toBe(200);
  expect(((await first.json()) as CollectResponse).accepted).toEqual([event.id]);

  const second = await post(request, { site: 'demo', events: [event] });
  expect(second.status(), await second.text()).toBe(200);
  const body = (await second.json()) as CollectResponse;
  expect(body.accepted).toEqual([]);
  expect(body.duplicates).toEqual([event.id]);

  const read = await readProfile(request);
  expect(read.status, read.text).toBe(200);
  expect(read.profile!.events.filter((e) => e.id === event.id)).toHaveLength(1);
  expect(read.profile!.eventCount).toBe(1);
});
