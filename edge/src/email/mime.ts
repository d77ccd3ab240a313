/**
 * The raw MIME message the Cloudflare `send_email` binding takes (RFC 5322 / 2045 / 2047): a
 * multipart/alternative of the text and HTML parts, base64 in UTF-8, with the one-click unsubscribe
 * headers (RFC 2369 List-Unsubscribe, RFC 8058 List-Unsubscribe-Post). Header values are built
 * from validated addresses and a subject without CR/LF (render.ts); non-ASCII is encoded. Pure.
 */
import { headerSafe } from './render';

export type OutgoingEmail = {
  /** The delivery id: the Message-ID's left part and the HTTP provider's idempotency key. */
  id: string;
  from: { name: string; address: string };
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The one-click unsubscribe URL (https, or http on the local demo). */
  unsubscribeUrl: string;
  /** The site's id, in the List-Id. */
  site: string;
};

/** The headers every e-mail carries besides From/To/Subject (the HTTP provider sends them as custom headers). */
export function listHeaders(email: Pick<OutgoingEmail, 'unsubscribeUrl' | 'site' | 'id'>): Record<string, string> {
  return {
    'List-Unsubscribe': `<${email.unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': `<${email.site}.waymark>`,
    'X-Waymark-Delivery': email.id,
  };
}

const utf8Base64 = (text: string): string => {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
};

/** RFC 2047 encoded-word when the value is not plain ASCII (in chunks, so no encoded word exceeds 75 characters). */
export function encodeHeaderValue(value: string): string {
  const clean = headerSafe(value);
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (new TextEncoder().encode(chunk + ch).length > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${utf8Base64(w)}?=`).join('\r\n ');
}

/** `"Name" <address>`, the name quoted (or encoded) so nothing in it reads as an address. */
export function mailbox(name: string, address: string): string {
  const clean = headerSafe(name).replace(/["\\]/g, '');
  const shown = /^[\x20-\x7e]*$/.test(clean) ? `"${clean}"` : encodeHeaderValue(clean);
  return `${shown} <${address}>`;
}

const wrap76 = (text: string) => text.replace(/.{1,76}/g, '$&\r\n');

export function buildMime(email: OutgoingEmail, date: Date): string {
  const boundary = `wm-${email.id.replace(/[^A-Za-z0-9]/g, '')}`;
  const domain = email.from.address.slice(email.from.address.lastIndexOf('@') + 1);
  const headers: [string, string][] = [
    ['From', mailbox(email.from.name, email.from.address)],
    ['To', `<${email.to}>`],
    ['Subject', encodeHeaderValue(email.subject)],
    ['Date', date.toUTCString().replace('GMT', '+0000')],
    ['Message-ID', `<${email.id}@${domain}>`],
    ['MIME-Version', '1.0'],
    ...Object.entries(listHeaders(email)),
    ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
  ];
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=UTF-8`, 'Content-Transfer-Encoding: base64', '', wrap76(utf8Base64(body))].join('\r\n');
  return [...headers.map(([k, v]) => `${k}: ${v}`), '', part('text/plain', email.text), part('text/html', email.html), `--${boundary}--`, ''].join('\r\n');
}
