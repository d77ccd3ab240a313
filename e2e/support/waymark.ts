/**
 * Shared helpers for the end-to-end specs. Everything is observed black-box: what the browser
 * sends to POST /_wm/e, and what GET /_wm/me returns for the visitor.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import type { Batch, CollectResponse, ErrorResponse, EventType, ProfileExport, StoredEvent, WireEvent } from '../../protocol/wire';
import { COLLECT_PATH, PROFILE_PATH } from '../../protocol/limits';

export const SITE = 'demo';
export const ORIGIN = `http://127.0.0.1:${process.env['WM_E2E_PORT'] ?? 8788}`;
export const PROFILE_URL = `${PROFILE_PATH}?site=${SITE}`;

declare global {
  interface Window {
    wm: (...args: unknown[]) => void;
  }
}

/** A client-style event id (32 characters of [0-9a-f], inside the 8-64 allowed). */
export function newId(): string {
  return randomUUID().replace(/-/g, '');
}

export type ProfileRead = { status: number; profile: ProfileExport | null; text: string };

/** GET /_wm/me?site=demo with the cookies of `request` (page.request shares the page's). */
export async function readProfile(request: APIRequestContext, headers?: Record<string, string>): Promise<ProfileRead> {
  const res = await request.get(PROFILE_URL, headers ? { headers } : {});
  const text = await res.text();
  const profile = res.status() === 200 ? (JSON.parse(text) as ProfileExport) : null;
  return { status: res.status(), profile, text };
}

/** Polls GET /_wm/me until `check` holds; returns that profile, or fails with the last answer. */
export async function waitForProfile(
  request: APIRequestContext,
  check: (p: ProfileExport) => boolean,
  message: string,
  timeout = 15_000,
): Promise<ProfileExport> {
  const deadline = Date.now() + timeout;
  const intervals = [200, 400, 800, 1000];
  let last: ProfileRead | null = null;
  for (let i = 0; ; i++) {
    last = await readProfile(request);
    if (last.profile !== null && check(last.profile)) return last.profile;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervals[Math.min(i, intervals.length - 1)]));
  }
  throw new Error(`${message} (waited ${timeout} ms); last GET ${PROFILE_URL}: ${last.status} ${last.text.slice(0, 3000)}`);
}

export type StoredOf<T extends EventType> = Extract<StoredEvent, { type: T }>;
export type TrackEvent = Extract<WireEvent, { type: 'track' }>;

/** Stored events of one type (and, for track, one name), oldest first. */
export function eventsOf<T extends EventType>(p: ProfileExport, type: T, name?: string): StoredOf<T>[] {
  return p.events
    .filter((e): e is StoredOf<T> => e.type === type && (name === undefined || (e.type === 'track' && e.name === name)))
    .sort((a, b) => a.ts - b.ts);
}

export function hasTrack(p: ProfileExport, name: string): boolean {
  return eventsOf(p, 'track', name).length > 0;
}

/**
 * Sends a uniquely named track event through the page's `wm` and waits until the edge has it.
 * The outbox is first-in first-out, so once the sentinel is stored, everything the page queued
 * before it has been delivered too: exact counts can then be asserted without sleeping.
 */
export async function flushWithSentinel(page: Page, timeout = 15_000): Promise<ProfileExport> {
  const name = `sentinel_${newId().slice(0, 12)}`;
  // After a click that navigates, the URL can change before the new document ran its tag.
  await page.waitForFunction(() => typeof window.wm === 'function');
  await page.evaluate((n) => window.wm('track', n), name);
  return waitForProfile(page.request, (p) => hasTrack(p, name), `sentinel ${name} never arrived`, timeout);
}

/** Events the page sent, without the sentinels added by the tests. */
export function withoutSentinels(events: StoredEvent[]): StoredEvent[] {
  return events.filter((e) => !(e.type === 'track' && e.name.startsWith('sentinel_')));
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}

export type CollectCall = {
  url: string;
  headers: Record<string, string>;
  raw: string | null;
  batch: Batch | null;
};
export type CollectReply = { status: number; body: CollectResponse | ErrorResponse | null };

/** Records every POST /_wm/e the browser context makes (including failed and routed ones). */
export function watchCollect(context: BrowserContext) {
  const calls: CollectCall[] = [];
  const replies: CollectReply[] = [];
  const isCollect = (url: string, method: string) => method === 'POST' && new URL(url).pathname === COLLECT_PATH;
  context.on('request', (req) => {
    if (!isCollect(req.url(), req.method())) return;
    const raw = req.postData();
    let batch: Batch | null = null;
    try {
      batch = raw ? (JSON.parse(raw) as Batch) : null;
    } catch {
      batch = null;
    }
    calls.push({ url: req.url(), headers: req.headers(), raw, batch });
  });
  context.on('response', async (res) => {
    if (!isCollect(res.url(), res.request().method())) return;
    let body: CollectResponse | ErrorResponse | null = null;
    try {
      body = (await res.json()) as CollectResponse | ErrorResponse;
    } catch {
      body = null;
    }
    replies.push({ status: res.status(), body });
  });
  return {
    calls,
    replies,
    /** Every event id seen in any request body, sentinels excluded. */
    sentIds(): Set<string> {
      const ids = new Set<string>();
      for (const c of calls) for (const e of c.batch?.events ?? []) if (!(e.type === 'track' && e.name.startsWith('sentinel_'))) ids.add(e.id);
      return ids;
    },
  };
}

/** A valid wire event for direct API tests. */
export function trackEvent(name: string, extra: Partial<TrackEvent> = {}): TrackEvent {
  return {
    id: newId(),
    ts: Date.now(),
    sid: 'session-e2e-0001',
    url: `${ORIGIN}/product/ridgeline-trail-runner`,
    type: 'track',
    name,
    ...extra,
  };
}

export function pageEvent(path = '/'): WireEvent {
  return {
    id: newId(),
    ts: Date.now(),
    sid: 'session-e2e-0001',
    url: `${ORIGIN}${path}`,
    ref: '',
    title: 'Waymark Outfitters',
    type: 'page',
  };
}

/**
 * Serves the fixture pages (/fixtures/*.html) straight from e2e/fixtures, as a site that is not
 * routed through the worker would: the local demo site runs in proxy mode, which would
 * personalize them on the way.
 */
export async function serveFixturesUntouched(page: Page): Promise<void> {
  await page.route(
    (url) => url.pathname.startsWith('/fixtures/') && url.pathname.endsWith('.html'),
    (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: readFileSync(`e2e${new URL(route.request().url()).pathname}`, 'utf8'),
      }),
  );
}
