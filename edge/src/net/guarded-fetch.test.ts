import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corpus from './ssrf-corpus.json';
import { guardedFetch, RefusedUrlError } from './guarded-fetch';

type Seen = { url: string; init: RequestInit };
const recorder = (status = 204) => {
  const seen: Seen[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(input), init: init ?? {} });
    return new Response(null, { status });
  }) as typeof fetch;
  return { seen, fetcher };
};

describe('guardedFetch', () => {
  it('refuses every corpus probe before any request is made', async () => {
    const { seen, fetcher } = recorder();
    for (const url of corpus.refused) {
      await expect(guardedFetch(url, {}, { fetcher }), url).rejects.toBeInstanceOf(RefusedUrlError);
    }
    expect(seen).toEqual([]);
  });

  it('sends public https URLs, always with redirect: manual (whatever the caller asked)', async () => {
    const { seen, fetcher } = recorder();
    await guardedFetch('https://hooks.example.com/x', { method: 'POST', redirect: 'follow' }, { fetcher });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ url: 'https://hooks.example.com/x', init: { method: 'POST', redirect: 'manual' } });
  });

  it('the local demo sink only with the demo allowance', async () => {
    const { seen, fetcher } = recorder();
    const sink = 'http://127.0.0.1:8790/_wm/demo/webhook-sink?webhook=demo-crm';
    await expect(guardedFetch(sink, {}, { fetcher })).rejects.toThrow(/WM_DEMO/);
    await guardedFetch(sink, {}, { fetcher, allowLocalDemo: true });
    expect(seen.map((s) => s.url)).toEqual([sink]);
  });
});

describe('guardedFetch against a real server: redirects are not followed', () => {
  let server: Server;
  const hits: string[] = [];
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      // A public-looking endpoint that bounces the request to the cloud metadata address.
      if (req.url?.startsWith('/_wm/demo/webhook-sink')) res.writeHead(302, { location: `${base}/internal-only` }).end();
      else res.writeHead(200).end('followed');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('returns the 3xx itself and never requests the Location', async () => {
    const res = await guardedFetch(`${base}/_wm/demo/webhook-sink?webhook=x`, { method: 'POST', body: '{}' }, { allowLocalDemo: true });
    expect(res.status).toBe(302);
    expect(hits).toEqual(['/_wm/demo/webhook-sink?webhook=x']);
  });
});
