import { describe, expect, it } from 'vitest';
import type { SlotContent } from '../config/personalization';
import { siteConfigSchema, type SiteConfigInput } from '../config/site';
import { allowedContentHosts, contentHostIssues, hostProblem, htmlUrls } from './hosts';

const SITE: SiteConfigInput = {
  id: 'shop',
  name: 'Shop',
  version: 1,
  origins: ['https://shop.example', 'http://localhost:8787'],
  consentPolicy: 'opt-out',
  segments: [{ id: 'everyone', name: 'Everyone', condition: { everyone: true } }],
  proxy: { upstream: 'https://origin.shop.example', hostnames: ['www.shop.example'] },
  content: { allowedHosts: ['cdn.shop-images.example'] },
};
const variant = (content: SlotContent) => ({ segment: 'everyone', priority: 1, content });
const withSlot = (content: SlotContent, site: SiteConfigInput = SITE) => ({ ...site, slots: [{ id: 's', name: 'S', variants: [variant(content)] }] });

describe('allowed hosts', () => {
  it('are the origins, the proxy hostnames and content.allowedHosts', () => {
    expect([...allowedContentHosts(siteConfigSchema.parse(SITE))].sort()).toEqual(['cdn.shop-images.example', 'localhost', 'shop.example', 'www.shop.example']);
  });

  it('accept relative URLs, mailto: and tel:, and refuse other hosts with a reason that says how to allow them', () => {
    const allowed = new Set(['shop.example']);
    for (const url of ['/sale', '/a.png?x=1', 'mailto:a@b.example', 'tel:+1 555', 'https://shop.example/x', 'HTTPS://SHOP.EXAMPLE/x'])
      expect(hostProblem(url, allowed), url).toBeNull();
    expect(hostProblem('https://evil.example/p.gif', allowed, 'image')).toBe(
      'image host "evil.example" is not one of this site’s hosts: add it to Settings → Content hosts (content.allowedHosts) to allow it',
    );
    expect(hostProblem('https://shop.example.evil.example/', allowed)).toMatch(/"shop.example.evil.example"/);
    expect(hostProblem('https://shop.example@evil.example/', allowed)).toMatch(/"evil.example"/);
    expect(hostProblem('//evil.example/x', allowed)).toMatch(/must not start with \/\//);
  });

  it('finds URLs in HTML with any quoting and entities', () => {
    expect(htmlUrls(`<a href="/x?a=1&amp;b=2">x</a><img src='https://a.example/i.png'><img SRC=https://b.example/j.png>`)).toEqual([
      { attribute: 'href', url: '/x?a=1&b=2' },
      { attribute: 'src', url: 'https://a.example/i.png' },
      { attribute: 'src', url: 'https://b.example/j.png' },
    ]);
  });
});

describe('refused on write, with the field and the host', () => {
  const issues = (input: SiteConfigInput) => {
    const parsed = siteConfigSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('slot images, links and HTML', () => {
    expect(issues(withSlot({ type: 'image', src: 'https://tracker.example/p.gif', alt: '' }))).toEqual([
      { path: 'slots.0.variants.0.content.src', message: expect.stringMatching(/image host "tracker.example".*content.allowedHosts/) },
    ]);
    expect(issues(withSlot({ type: 'link', text: 'Go', href: 'https://partner.example/' }))).toEqual([
      { path: 'slots.0.variants.0.content.href', message: expect.stringMatching(/link host "partner.example"/) },
    ]);
    expect(issues(withSlot({ type: 'html', html: '<p>Hi<img src="https://pixel.example/1x1.gif" alt=""></p>' }))).toEqual([
      { path: 'slots.0.variants.0.content.html', message: expect.stringMatching(/image host "pixel.example"/) },
    ]);
  });

  it('message CTAs, base and variants', () => {
    const message = { id: 'm', name: 'M', type: 'toast' as const, body: 'Hi', cta: { text: 'Go', href: 'https://evil.example/' } };
    expect(issues({ ...SITE, messages: [message] })).toEqual([{ path: 'messages.0.cta.href', message: expect.stringMatching(/"evil.example"/) }]);
    const variants = [{ id: 'a', weight: 100, cta: { text: 'Go', href: 'https://evil.example/' } }];
    expect(issues({ ...SITE, messages: [{ ...message, cta: { text: 'Go', href: '/ok' }, variants }] })).toEqual([
      { path: 'messages.0.variants.0.cta.href', message: expect.stringMatching(/"evil.example"/) },
    ]);
  });

  it('accepts the site’s own hosts and the allowed ones', () => {
    for (const src of ['/a.png', 'https://shop.example/a.png', 'https://www.shop.example/a.png', 'https://cdn.shop-images.example/a.png'])
      expect(issues(withSlot({ type: 'image', src, alt: '' })), src).toEqual([]);
  });

  it('validates content.allowedHosts as hostnames', () => {
    for (const host of ['https://cdn.example', 'cdn.example/x', 'cdn.example:443', 'CDN.example', '*.cdn.example'])
      expect(issues({ ...SITE, content: { allowedHosts: [host] } }), host).not.toEqual([]);
    expect(issues({ ...SITE, content: { allowedHosts: ['a.example', 'a.example'] } })[0]?.message).toMatch(/twice/);
  });

  it('the raw issue list, without zod', () => {
    expect(contentHostIssues({ origins: [], slots: [], messages: [{ cta: { href: 'https://x.example' }, variants: [] }] })).toHaveLength(1);
  });
});
