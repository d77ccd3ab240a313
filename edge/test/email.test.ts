/**
 * E-mail steps in workerd: a journey's email step reaches the provider (the demo mailbox, as the
 * Cloudflare provider delivers locally) with the one-click unsubscribe headers; without consent,
 * address, or when suppressed or capped it is skipped and logged why; the one-click POST suppresses
 * the address and withdraws the consent (GET changes nothing; bad tokens get a 4xx page); the
 * Resend adapter sends its documented payload and retries a 5xx; the Cloudflare binding takes the MIME.
 */
import { SELF, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CollectResponse, ProfileExport } from '../../protocol/wire';
import type { EmailSettingsInput } from '../../protocol/config/email';
import type { EmailLogEntry } from '../../protocol/email';
import { siteAdmin } from '../src/admin/objects';
import { mailboxList, type MailboxRecord } from '../src/email/mailbox';
import { cloudflareTransport } from '../src/email/cloudflare';
import { signUnsubscribe } from '../src/email/unsubscribe';
import { goldenRecordName } from '../../edge/src/identity/stitch';
import { adminCall, adminLogin, BASE, ORIGIN, makeEvent, post, until } from './helpers';
import type { AuditResponse } from '../../protocol/admin';

const template = {
  id: 'cart',
  name: 'Cart',
  subject: 'Your cart, {{ traits.first_name | default: "friend" }}',
  html: '<p>Hi {{ traits.first_name | default: "there" }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
  text: 'Hi {{ traits.first_name | default: "there" }}. Unsubscribe: {{ unsubscribe_url }}',
};
const emailSettings = (over: Partial<EmailSettingsInput> = {}): EmailSettingsInput => ({
  templates: [template],
  sender: { name: 'Shop', address: 'news@shop.example.com' },
  frequencyCap: { max: 1, days: 1 },
  ...over,
});

let sites = 0;
async function emailSite(over: Partial<EmailSettingsInput> = {}): Promise<string> {
  const id = `em-${Date.now().toString(36)}-${++sites}`;
  await env.CONFIG.put(
    `site:${id}`,
    JSON.stringify({
      id,
      name: 'E-mail test',
      version: 1,
      origins: [ORIGIN],
      consentPolicy: 'opt-out',
      journeys: [
        { id: 'cart', name: 'Cart', entry: { event: 'add_to_cart' }, reentry: 'after-exit', steps: [{ id: 'mail', kind: 'email', template: 'cart' }] },
      ],
      email: emailSettings(over),
    }),
  );
  return id;
}

const identify = (userId: string, traits: Record<string, string>) => makeEvent({ type: 'identify', name: undefined, props: undefined, userId, traits });
const prefs = (p: Record<string, boolean>) => makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: p });
const addToCart = () => makeEvent({ name: 'add_to_cart', props: {} });

async function send(site: string, events: unknown[], cookie?: string): Promise<string> {
  const res = await post(events, { site, ...(cookie ? { cookie } : {}) });
  expect(res.status).toBe(200);
  await res.json<CollectResponse>();
  return cookie ?? res.headers.get('set-cookie')?.match(/wm_vid=[^;]+/)?.[0] ?? '';
}

const log = (site: string) => siteAdmin(env, site).emailDeliveries(site, 100);
const logged = (site: string, n: number) =>
  until(
    () => log(site),
    (l) => l.length >= n,
  );
const mailTo = async (site: string) => (await mailboxList(env.CONFIG)).filter((m) => m.site === site);

afterEach(() => vi.restoreAllMocks());

describe('e-mail step', () => {
  it('e-mails the reminder (demo mailbox) with List-Unsubscribe headers; the one-click POST suppresses and withdraws consent', async () => {
    const site = await emailSite();
    const cookie = await send(site, [identify('u-ada', { email: 'ada@example.com', first_name: 'Ada' }), prefs({ email_consent: true })]);
    await send(site, [addToCart()], cookie);
    const entries = await logged(site, 1);
    expect(entries[0]).toMatchObject({
      journey: 'cart',
      step: 'mail',
      template: 'cart',
      recipient: 'a***@example.com',
      status: 'sent',
      provider: 'demo-mailbox',
    });
    const [mail] = (await until(
      () => mailTo(site),
      (m) => m.length > 0,
    )) as [MailboxRecord];
    expect(mail).toMatchObject({ to: 'ada@example.com', from: '"Shop" <news@shop.example.com>', subject: 'Your cart, Ada' });
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = mail.headers['List-Unsubscribe']!.slice(1, -1);
    expect(link).toMatch(new RegExp(`^${ORIGIN}/_wm/email/unsubscribe\\?site=${site}&t=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    expect(mail.raw).toContain(`List-Unsubscribe: <${link}>`);
    expect(mail.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);

    // GET: a confirm page with a button, nothing changes.
    const confirm = await SELF.fetch(link);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await confirm.text()).toContain('<button type="submit">Unsubscribe</button>');
    expect(await siteAdmin(env, site).emailSuppressed(site, 'ada@example.com')).toBe(false);

    // One-click POST (RFC 8058), as a mail client sends it.
    const done = await SELF.fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await siteAdmin(env, site).emailSuppressed(site, 'ada@example.com')).toBe(true);
    expect((await siteAdmin(env, site).emailSuppressions(site))[0]).toMatchObject({ address: 'ada@example.com', reason: 'unsubscribed' });
    const me = await (await SELF.fetch(`${BASE}/_wm/me?site=${site}`, { headers: { cookie } })).json<ProfileExport>();
    expect(me.prefs.email_consent).toBe(false);
  });

  it('skips and logs why: no consent, no address, suppressed, capped', async () => {
    const site = await emailSite();
    await siteAdmin(env, site).suppressEmail(site, 'sup@example.com', 'bounced');
    const noConsent = await send(site, [identify('u-nc', { email: 'nc@example.com' })]);
    await send(site, [addToCart()], noConsent);
    await logged(site, 1);
    const noAddress = await send(site, [prefs({ email_consent: true })]);
    await send(site, [addToCart()], noAddress);
    await logged(site, 2);
    const suppressed = await send(site, [identify('u-sup', { email: 'sup@example.com' }), prefs({ email_consent: true })]);
    await send(site, [addToCart()], suppressed);
    await logged(site, 3);
    const capped = await send(site, [identify('u-cap', { email: 'cap@example.com' }), prefs({ email_consent: true })]);
    await send(site, [addToCart()], capped);
    await logged(site, 4);
    await send(site, [addToCart()], capped);
    const entries = (await logged(site, 5)).reverse();
    expect(entries.map((e: EmailLogEntry) => [e.status, e.reason])).toEqual([
      ['skipped', 'no-consent'],
      ['skipped', 'no-email'],
      ['skipped', 'suppressed'],
      ['sent', null],
      ['skipped', 'capped'],
    ]);
    // The visitor's journey log says it too.
    const me = await (await SELF.fetch(`${BASE}/_wm/me?site=${site}`, { headers: { cookie: capped } })).json<ProfileExport>();
    expect(me.journeys?.[0]?.history.map((h) => h.what)).toContain('e-mail "cart" skipped: capped');
    expect((await mailTo(site)).map((m) => m.to)).toEqual(['cap@example.com']);
  });

  it('refuses bad, changed and expired unsubscribe links with a 4xx page, never a 5xx', async () => {
    const site = await emailSite();
    const base = `${BASE}/_wm/email/unsubscribe`;
    const expired = await signUnsubscribe(env.WM_SECRET, { site, address: 'a@example.com', profile: { kind: 'v', id: 'x' }, expiresAt: Date.now() - 1 });
    const valid = await signUnsubscribe(env.WM_SECRET, { site, address: 'a@example.com', profile: { kind: 'v', id: 'x' }, expiresAt: Date.now() + 60_000 });
    for (const [url, status] of [
      [`${base}?site=${site}`, 400],
      [`${base}?site=Bad!&t=${valid}`, 400],
      [`${base}?site=${site}&t=garbage`, 400],
      [`${base}?site=${site}&t=${valid.slice(0, -2)}xx`, 403],
      [`${base}?site=demo&t=${valid}`, 403],
      [`${base}?site=${site}&t=${expired}`, 410],
    ] as const) {
      for (const method of ['GET', 'POST']) {
        const res = await SELF.fetch(url, { method, ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}) });
        expect(res.status, `${method} ${url}`).toBe(status);
        expect(res.headers.get('content-type')).toContain('text/html');
      }
    }
    expect(await siteAdmin(env, site).emailSuppressions(site)).toEqual([]);
  });

  it('Resend: the documented payload with a Bearer token and an idempotency key; a 5xx is retried', async () => {
    const site = await emailSite({ provider: 'resend' });
    await siteAdmin(env, site).setEmailToken(site, 're_test_0123456789abcdef', 'test');
    type Sent = { url: string; headers: Headers; body: Record<string, unknown> };
    const sent: Sent[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      sent.push({ url: req.url, headers: req.headers, body: await req.json() });
      return sent.length === 1
        ? Response.json({ statusCode: 500, message: 'internal', name: 'internal_server_error' }, { status: 500 })
        : Response.json({ id: 're_msg_42' }, { status: 200 });
    });
    const cookie = await send(site, [identify('u-re', { email: 're@example.com', first_name: 'Rey' }), prefs({ email_consent: true })]);
    await send(site, [addToCart()], cookie);
    expect((await logged(site, 1))[0]).toMatchObject({ status: 'retrying', provider: 'resend', reason: expect.stringMatching(/HTTP 500/) });
    // The retry is 5 s later (webhooks/retry.ts): make it due and run the alarm.
    const golden = env.VISITORS.get(env.VISITORS.idFromName(goldenRecordName(site, 'u-re')));
    await runInDurableObject(golden, (_i, state) => {
      expect(state.storage.sql.exec<{ next_at: number }>("SELECT next_at FROM email_outbox WHERE status = 'pending'").one().next_at).toBeGreaterThan(
        Date.now(),
      );
      state.storage.sql.exec("UPDATE email_outbox SET next_at = 0 WHERE status = 'pending'");
    });
    await runDurableObjectAlarm(golden);
    expect((await logged(site, 2))[0]).toMatchObject({ status: 'sent', providerMessageId: 're_msg_42', attempt: 2 });
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.url).toBe('https://api.resend.com/emails');
      expect(s.headers.get('authorization')).toBe('Bearer re_test_0123456789abcdef');
      expect(s.headers.get('content-type')).toBe('application/json');
      expect(s.body).toEqual({
        from: '"Shop" <news@shop.example.com>',
        to: ['re@example.com'],
        subject: 'Your cart, Rey',
        html: expect.stringContaining('<p>Hi Rey</p>'),
        text: expect.stringContaining('Hi Rey.'),
        headers: {
          'List-Unsubscribe': expect.stringMatching(/^<http:\/\/127\.0\.0\.1:8788\/_wm\/email\/unsubscribe\?site=/),
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'List-Id': `<${site}.waymark>`,
          'X-Waymark-Delivery': expect.any(String),
        },
      });
    }
    // The same key on the retry: Resend sends it once.
    expect(sent[1]!.headers.get('idempotency-key')).toBe(sent[0]!.headers.get('idempotency-key'));
  });

  it('the Cloudflare send_email binding accepts the MIME (validated by the local binding)', async () => {
    const result = await cloudflareTransport(env.EMAIL).send({
      id: crypto.randomUUID(),
      from: { name: 'Shop', address: 'news@shop.example.com' },
      to: 'ada@example.com',
      subject: 'Grüße from the shop',
      html: '<p>Hi</p>',
      text: 'Hi',
      unsubscribeUrl: 'https://shop.example.com/_wm/email/unsubscribe?site=shop&t=x.y',
      site: 'shop',
    });
    expect(result).toMatchObject({ status: 202, error: null });
    expect((await cloudflareTransport(undefined).send({} as never)).status).toBe(503);
  });

  it('admin changes to the suppression list and the provider token are audited (address masked), the token is never returned', async () => {
    const s = await adminLogin('198.51.100.201');
    const site = `em-admin-${Date.now().toString(36)}`;
    expect((await adminCall(s, 'PUT', `/sites/${site}`, { name: 'E', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' })).status).toBe(200);
    expect((await adminCall(s, 'POST', `/sites/${site}/email/suppressions`, { address: 'Ada@Example.com' })).status).toBe(200);
    expect(await siteAdmin(env, site).emailSuppressed(site, 'Ada@example.com')).toBe(true);
    expect((await adminCall(s, 'DELETE', `/sites/${site}/email/suppressions/Ada@example.com`)).status).toBe(200);
    const set = await adminCall(s, 'PUT', `/sites/${site}/email/provider-token`, { token: 're_secret_token_9876' });
    expect(await set.json()).toMatchObject({ tokenSet: true, tokenLast4: '9876' });
    const provider = await (await adminCall(s, 'GET', `/sites/${site}/email/provider`)).text();
    expect(provider).not.toContain('re_secret_token');
    const audit = await (await adminCall(s, 'GET', `/sites/${site}/audit`)).json<AuditResponse>();
    const summaries = audit.entries.map((e) => e.summary);
    expect(summaries).toEqual(
      expect.arrayContaining(['suppressed A***@example.com', 'removed A***@example.com from the suppression list', 'set the e-mail provider token']),
    );
    expect(JSON.stringify(audit)).not.toContain('Ada@');
    expect(JSON.stringify(audit)).not.toContain('re_secret_token');
  });
});
