/** The first-party visitor cookie: HttpOnly, SameSite=Lax, Secure wherever the page is https. */
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OPTOUT_COOKIE, VISITOR_COOKIE } from '../../../protocol/limits';
import type { Context } from 'hono';

const MAX_AGE_S = 400 * 24 * 60 * 60; // the longest lifetime browsers honour

export function readVisitorCookie(c: Context): string | undefined {
  return getCookie(c, VISITOR_COOKIE);
}

function writeCookie(c: Context, name: string, value: string): void {
  setCookie(c, name, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    // Plain http only happens on a developer's machine (wrangler dev); production is https.
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: MAX_AGE_S,
  });
}

export function writeVisitorCookie(c: Context, token: string): void {
  writeCookie(c, VISITOR_COOKIE, token);
}

export function clearVisitorCookie(c: Context): void {
  deleteCookie(c, VISITOR_COOKIE, { path: '/' });
}

/** The visitor said no: forget their id, and remember (first-party, no id in it) not to mint one. */
export function rememberOptOut(c: Context): void {
  clearVisitorCookie(c);
  writeCookie(c, OPTOUT_COOKIE, '1');
}

export function forgetOptOut(c: Context): void {
  if (getCookie(c, OPTOUT_COOKIE)) deleteCookie(c, OPTOUT_COOKIE, { path: '/' });
}

export function hasOptedOut(c: Context): boolean {
  return getCookie(c, OPTOUT_COOKIE) === '1';
}

/** `Authorization: Bearer <token>` lets a page without the cookie (cross-origin tag) prove who it is. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
