import { describe, expect, it } from 'vitest';
import corpus from './ssrf-corpus.json';
import { blockedIPv4, blockedIPv6, checkOutboundUrl, checkPublicUrl } from '../../../protocol/net/public-url';
import { webhookUrlSchema } from '../../../protocol/config/webhooks';

describe('SSRF guard: the corpus', () => {
  it('holds at least 60 probes and a list of legitimate URLs', () => {
    expect(corpus.refused.length).toBeGreaterThanOrEqual(60);
    expect(corpus.accepted.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses every probe, with a reason (0 accepted), at send time without the demo allowance', () => {
    const accepted = corpus.refused.filter((url) => checkOutboundUrl(url, { allowLocalDemo: false }).ok);
    expect(accepted).toEqual([]);
    for (const url of corpus.refused) {
      const verdict = checkPublicUrl(url);
      expect(verdict.ok ? 'accepted' : verdict.reason, url).not.toBe('accepted');
    }
  });

  it('the webhook URL schema refuses every probe except the local demo sink (sent only with WM_DEMO)', () => {
    const demoSink = /^http:\/\/(127\.0\.0\.1|localhost):\d+\/_wm\/demo\/webhook-sink/;
    const accepted = corpus.refused.filter((url) => webhookUrlSchema.safeParse(url).success);
    expect(accepted.length).toBe(2);
    expect(accepted.every((url) => demoSink.test(url))).toBe(true);
  });

  it('accepts every legitimate public https URL', () => {
    const refused = corpus.accepted.map((url) => ({ url, verdict: checkPublicUrl(url) })).filter((x) => !x.verdict.ok);
    expect(refused).toEqual([]);
    for (const url of corpus.accepted) expect(webhookUrlSchema.safeParse(url).success, url).toBe(true);
  });
});

describe('SSRF guard: reasons and edges', () => {
  const reason = (url: string) => {
    const v = checkPublicUrl(url);
    return v.ok ? null : v.reason;
  };
  it('names why a URL is refused', () => {
    expect(reason('http://hooks.example.com/')).toBe('must use https://');
    expect(reason('https://2130706433/')).toMatch(/loopback/);
    expect(reason('https://[::ffff:127.0.0.1]/')).toMatch(/IPv4-mapped/);
    expect(reason('https://169.254.169.254/')).toMatch(/link-local/);
    expect(reason('https://100.64.1.1/')).toMatch(/carrier-grade NAT/);
    expect(reason('https://printer.local/')).toMatch(/internal host name \(\.local\)/);
    expect(reason('https://intranet/')).toMatch(/single-label/);
    expect(reason('https://good.com@evil.com/')).toMatch(/credentials/);
    expect(reason('https://good.com:8080/')).toMatch(/port 8080/);
    expect(reason('https://a\\b.com/')).toMatch(/backslashes/);
  });
  it('the local demo sink passes only with the demo allowance, and only that exact path', () => {
    const sink = 'http://127.0.0.1:8790/_wm/demo/webhook-sink?webhook=demo-crm';
    expect(checkOutboundUrl(sink, { allowLocalDemo: true }).ok).toBe(true);
    expect(checkOutboundUrl(sink, { allowLocalDemo: false })).toMatchObject({ ok: false, reason: /WM_DEMO/ });
    expect(checkOutboundUrl('http://127.0.0.1:8790/_wm/admin/api/sites', { allowLocalDemo: true }).ok).toBe(false);
    expect(checkOutboundUrl('http://127.0.0.1:8790/_wm/demo/webhook-sink/../../admin', { allowLocalDemo: true }).ok).toBe(false);
    expect(checkOutboundUrl('http://10.0.0.1:8790/_wm/demo/webhook-sink', { allowLocalDemo: true }).ok).toBe(false);
  });
  it('classifies address ranges at their borders', () => {
    expect(blockedIPv4('172.15.255.255')).toBeNull();
    expect(blockedIPv4('172.16.0.0')).toMatch(/private/);
    expect(blockedIPv4('172.31.255.255')).toMatch(/private/);
    expect(blockedIPv4('172.32.0.0')).toBeNull();
    expect(blockedIPv4('100.63.255.255')).toBeNull();
    expect(blockedIPv4('100.127.255.255')).toMatch(/NAT/);
    expect(blockedIPv4('223.255.255.255')).toBeNull();
    expect(blockedIPv6('2606:4700::1')).toBeNull();
    expect(blockedIPv6('fbff::1')).toMatch(/reserved/);
    expect(blockedIPv6('fc00::')).toMatch(/unique local/);
    expect(blockedIPv6('fdff:ffff::1')).toMatch(/unique local/);
    expect(blockedIPv6('::2')).toMatch(/IPv4-mapped or IPv4-compatible/);
  });
});
