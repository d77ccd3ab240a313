import { describe, expect, it } from 'vitest';
import { buildMime, encodeHeaderValue, mailbox, type OutgoingEmail } from './mime';
import { resendPayload } from './transport';

const email: OutgoingEmail = {
  id: '0b7e6f1c-1111-4a4a-8888-123456789abc',
  from: { name: 'The Shop', address: 'news@shop.example.com' },
  to: 'ada@example.com',
  subject: 'Your cart is waiting, Ada',
  html: '<p>Hi</p>',
  text: 'Hi',
  unsubscribeUrl: 'https://shop.example.com/_wm/email/unsubscribe?site=shop&t=abc.def',
  site: 'shop',
};

const decode = (b64: string) => new TextDecoder().decode(Uint8Array.from(atob(b64.replace(/\r\n/g, '')), (c) => c.charCodeAt(0)));

describe('MIME', () => {
  it('carries the one-click unsubscribe headers (RFC 2369, RFC 8058) and both parts', () => {
    const raw = buildMime(email, new Date(Date.UTC(2026, 11, 7, 12, 0, 0)));
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const body = raw.slice(head.length);
    const headers = head.split('\r\n');
    expect(headers).toEqual(
      expect.arrayContaining([
        'From: "The Shop" <news@shop.example.com>',
        'To: <ada@example.com>',
        'Subject: Your cart is waiting, Ada',
        'Date: Mon, 07 Dec 2026 12:00:00 +0000',
        'Message-ID: <0b7e6f1c-1111-4a4a-8888-123456789abc@shop.example.com>',
        'MIME-Version: 1.0',
        'List-Unsubscribe: <https://shop.example.com/_wm/email/unsubscribe?site=shop&t=abc.def>',
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
        'Content-Type: multipart/alternative; boundary="wm-0b7e6f1c11114a4a8888123456789abc"',
      ]),
    );
    expect(body).toContain('Content-Type: text/plain; charset=UTF-8');
    expect(body).toContain('Content-Type: text/html; charset=UTF-8');
    const parts = raw.split('--wm-0b7e6f1c11114a4a8888123456789abc');
    expect(decode(parts[1]!.split('\r\n\r\n')[1]!)).toBe('Hi');
    expect(decode(parts[2]!.split('\r\n\r\n')[1]!)).toBe('<p>Hi</p>');
    expect(raw.endsWith('--wm-0b7e6f1c11114a4a8888123456789abc--\r\n')).toBe(true);
    // Every line within RFC 5322's 78 characters.
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('encodes non-ASCII subjects and names, and cannot be given a header by a value', () => {
    expect(encodeHeaderValue('Grüße')).toBe(`=?UTF-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode('Grüße')))}?=`);
    expect(encodeHeaderValue('a\r\nBcc: x@y.z')).toBe('a Bcc: x@y.z');
    expect(mailbox('Evil" <a@b.c>\r\nBcc: x', 'news@shop.example.com')).toBe('"Evil <a@b.c> Bcc: x" <news@shop.example.com>');
    const raw = buildMime({ ...email, subject: 'Hi\r\nBcc: victim@example.com' }, new Date(0));
    expect(raw.split('\r\n').filter((l) => l.startsWith('Bcc'))).toEqual([]);
  });

  it("Resend's documented body: from, to[], subject, html, text, headers", () => {
    expect(resendPayload(email)).toEqual({
      from: '"The Shop" <news@shop.example.com>',
      to: ['ada@example.com'],
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: {
        'List-Unsubscribe': `<${email.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': '<shop.waymark>',
        'X-Waymark-Delivery': email.id,
      },
    });
  });
});
