// Localized content (docs/localized-content.md) through the real worker: proxy mode picks the
// locale by <html lang>, then Accept-Language, then the locale trait; right-to-left text says so;
// GET /_wm/decide takes the page's lang and navigator.language; the locale condition.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Decision, MessageDecision, SlotDecision } from '../../protocol/wire';
import type { SiteConfigInput } from '../../protocol/config/site';
import { siteAdmin } from '../src/admin/objects';
import { DEMO_SITE } from '../src/demo/seed';
import worker from '../src/index';
import { BASE, makeEvent, ORIGIN, post, visitorCookie } from './helpers';

const UPSTREAM = 'https://origin.localized.example';
const SITE = `localized-${Date.now().toString(36)}`;
const HOST = `${SITE}.example`;

/** The demo site, with an Arabic text on the trail runners' hero (the demo itself has French only). */
function config(): Omit<SiteConfigInput, 'id' | 'version'> {
  const { id: _id, version: _v, ...rest } = structuredClone(DEMO_SITE);
  const trail = rest.slots!.find((s) => s.id === 'hero')!.variants.find((v) => v.segment === 'trail-runners')!;
  trail.locales = { ...trail.locales, ar: { type: 'html', html: '<h1>تراب وجذور وصخور</h1>' } };
  const hello = {
    id: 'hello',
    name: 'Hello',
    type: 'banner',
    title: 'Welcome',
    body: 'Hello',
    locales: { fr: { title: 'Bienvenue', body: 'Bonjour' }, ar: { body: 'مرحبا' } },
  } as const;
  return { ...rest, messages: [...(rest.messages ?? []), hello], proxy: { upstream: UPSTREAM, hostnames: [HOST] } };
}

const page = (lang: string | null) =>
  `<!doctype html><html${lang === null ? '' : ` lang="${lang}"`}><head><title>Shop</title></head><body><section data-wm-slot="hero"><h1>Default hero</h1></section></body></html>`;

function mockUpstream(body: string): void {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
}

async function visit(body: string, headers: Record<string, string>): Promise<string> {
  mockUpstream(body);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://${HOST}/`, { headers: { accept: 'text/html', ...headers } }), env, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  return res.text();
}

/** The hero as the page shows it: its opening tag and content. */
const hero = (html: string) => /<section data-wm-slot="hero"[^>]*>.*?<\/section>/s.exec(html)?.[0] ?? '';

let trailRunner = '';

beforeAll(async () => {
  const written = await siteAdmin(env, SITE).write(SITE, { kind: 'put-site', config: config() }, 0, 'test');
  if (!written.ok) throw new Error(`site: ${written.error}`);
  const collected = await post([makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } })], { site: SITE });
  trailRunner = visitorCookie(collected) ?? '';
  expect(trailRunner).not.toBe('');
});

afterEach(() => vi.restoreAllMocks());

describe('proxy mode: the locale of a page', () => {
  it('<html lang="fr"> gets the French text, with lang and dir on the slot', async () => {
    const out = hero(await visit(page('fr'), { cookie: trailRunner }));
    expect(out).toContain('lang="fr" dir="ltr"');
    expect(out).toContain('Terre, racines et rochers');
  });

  it('a page without lang: Accept-Language picks (fr-CA → fr)', async () => {
    const out = hero(await visit(page(null), { cookie: trailRunner, 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' }));
    expect(out).toContain('Terre, racines et rochers');
    expect(out).toContain('lang="fr"');
  });

  it('the page lang wins over Accept-Language when the content has a text for it', async () => {
    const out = hero(await visit(page('ar'), { cookie: trailRunner, 'accept-language': 'fr' }));
    // ASCII-safe in the page (ascii-safe.ts): the Arabic text as character references.
    expect(out).toContain('lang="ar" dir="rtl"');
    expect(out).toContain('&#x62a;&#x631;&#x627;&#x628;');
  });

  it('falls back to the default text when nothing matches, without lang or dir', async () => {
    const out = hero(await visit(page('en'), { cookie: trailRunner, 'accept-language': 'de-DE,de;q=0.9' }));
    expect(out).toContain('Dirt, roots and rock');
    expect(out).not.toMatch(/ lang=| dir=/);
  });

  it('the locale trait when neither the page nor the browser names a locale the content has', async () => {
    const identified = await post([makeEvent({ type: 'identify', name: undefined, props: undefined, userId: `u-${SITE}`, traits: { locale: 'ar-EG' } })], {
      site: SITE,
      cookie: trailRunner,
    });
    expect(identified.status).toBe(200);
    const out = hero(await visit(page('en'), { cookie: trailRunner, 'accept-language': 'de' }));
    expect(out).toContain('lang="ar" dir="rtl"');
  });
});

describe('GET /_wm/decide (snippet mode)', () => {
  const decide = async (query: string, headers: Record<string, string> = {}) => {
    const res = await worker.fetch(
      new Request(`${BASE}/_wm/decide?site=${SITE}&url=${encodeURIComponent(`${ORIGIN}/product/ridgeline-trail-runner`)}${query}`, {
        headers: { origin: ORIGIN, cookie: trailRunner, ...headers },
      }),
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { decisions: Decision[] }).decisions;
  };
  const slotOf = (d: Decision[]) => d.find((x): x is SlotDecision => x.kind === 'slot' && x.id === 'hero')!;
  const helloOf = (d: Decision[]) => d.find((x): x is MessageDecision => x.kind === 'message' && x.id === 'hello')!;

  it('the page lang sent by wm-ui.js decides, and no alternatives are sent', async () => {
    const d = await decide('&lang=fr&nav=en-US');
    expect(slotOf(d)).toMatchObject({ lang: 'fr', dir: 'ltr' });
    expect(slotOf(d).html).toContain('Terre, racines et rochers');
    expect(slotOf(d).locales).toBeUndefined();
    expect(helloOf(d)).toMatchObject({ lang: 'fr', dir: 'ltr', title: 'Bienvenue', body: 'Bonjour' });
    expect(helloOf(d).locales).toBeUndefined();
  });

  it('navigator.language when the page lang matches nothing; Arabic is right to left', async () => {
    const d = await decide('&lang=en&nav=ar-SA', { 'accept-language': 'fr' });
    expect(slotOf(d)).toMatchObject({ lang: 'ar', dir: 'rtl' });
    // A field the locale leaves out falls back to the default text.
    expect(helloOf(d)).toMatchObject({ lang: 'ar', dir: 'rtl', title: 'Welcome', body: 'مرحبا' });
  });

  it('without the page lang (an older wm-ui.js, a collect response): every locale, for the page to pick', async () => {
    const d = await decide('', { 'accept-language': 'de' });
    expect(Object.keys(slotOf(d).locales!).sort()).toEqual(['ar', 'fr']);
    // The edge's own pick meanwhile: the locale trait this visitor was given above (ar-EG).
    expect(helloOf(d).lang).toBe('ar');
    expect(helloOf(d).locales).toEqual({ fr: { title: 'Bienvenue', body: 'Bonjour' }, ar: { title: 'Welcome', body: 'مرحبا' } });
  });
});

describe('the locale condition', () => {
  it('a French browser in no other segment gets the French-speakers hero; others keep the page default', async () => {
    const first = await post([makeEvent({ type: 'page', name: undefined, props: undefined })], { site: SITE, headers: { 'accept-language': 'fr-FR' } });
    const cookie = visitorCookie(first) ?? '';
    const french = hero(await visit(page('en'), { cookie, 'accept-language': 'fr-FR,fr;q=0.9' }));
    expect(french).toContain('Collection printemps');
    expect(french).toContain('data-wm-filled="french-speakers"');
    const english = hero(await visit(page('en'), { cookie, 'accept-language': 'en-GB' }));
    expect(english).toContain('Default hero');
  });
});

describe('a survey’s thank-you per locale (thanks), through GET /_wm/decide', () => {
  const THANKS_SITE = `${SITE}-thanks`;
  let visitor = '';

  beforeAll(async () => {
    const { id: _id, version: _v, ...rest } = structuredClone(DEMO_SITE);
    const survey = {
      id: 'distance',
      name: 'Distance',
      type: 'survey',
      body: 'How far do you run?',
      survey: {
        pref: 'distance',
        options: [
          { value: 'short', label: 'Up to 10 km' },
          { value: 'long', label: 'Longer' },
        ],
      },
      thanks: 'Thank you, runner!',
      locales: { fr: { body: 'Vous courez combien ?', thanks: 'Merci pour votre réponse !' }, ar: { body: 'كم تركض؟' } },
      variants: [
        { id: 'a', weight: 50 },
        { id: 'b', weight: 50, locales: { fr: { title: 'Une question' } } },
      ],
    } as const;
    const written = await siteAdmin(env, THANKS_SITE).write(
      THANKS_SITE,
      { kind: 'put-site', config: { ...rest, messages: [survey], journeys: [] } },
      0,
      'test',
    );
    if (!written.ok) throw new Error(`site: ${written.error}`);
    visitor = visitorCookie(await post([makeEvent()], { site: THANKS_SITE })) ?? '';
    expect(visitor).not.toBe('');
  });

  const survey = async (query: string, headers: Record<string, string> = {}) => {
    const res = await worker.fetch(
      new Request(`${BASE}/_wm/decide?site=${THANKS_SITE}&url=${encodeURIComponent(`${ORIGIN}/`)}${query}`, {
        headers: { origin: ORIGIN, cookie: visitor, ...headers },
      }),
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(200);
    const decisions = ((await res.json()) as { decisions: Decision[] }).decisions;
    return decisions.find((x): x is MessageDecision => x.kind === 'message' && x.id === 'distance')!;
  };

  it('a French page gets the French thank-you (whichever variant), another language the message’s own', async () => {
    const fr = await survey('&lang=fr&nav=en-US');
    expect(fr).toMatchObject({ lang: 'fr', body: 'Vous courez combien ?', survey: { pref: 'distance', thanks: 'Merci pour votre réponse !' } });
    if (fr.variant === 'b') expect(fr.title).toBe('Une question');
    // Arabic has a body but no thank-you of its own: the message's default one.
    expect(await survey('&lang=ar')).toMatchObject({ lang: 'ar', dir: 'rtl', survey: { thanks: 'Thank you, runner!' } });
    expect((await survey('&lang=de')).survey?.thanks).toBe('Thank you, runner!');
  });

  it('without the page lang, every locale carries its thank-you for wm-ui.js to pick', async () => {
    const open = await survey('', { 'accept-language': 'de' });
    expect(open.survey?.thanks).toBe('Thank you, runner!');
    expect(open.locales?.['fr']?.thanks).toBe('Merci pour votre réponse !');
    expect(open.locales?.['ar']?.thanks).toBe('Thank you, runner!');
  });
});
