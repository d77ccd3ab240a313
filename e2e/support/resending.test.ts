import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { RESTARTED, resending } from './resending';

/** A request context whose answers are scripted: each send takes the next [status, body]. */
function scripted(answers: Array<[number, string]>) {
  const sent: string[] = [];
  const answer = ([status, body]: [number, string]) => ({ status: () => status, text: async () => body }) as unknown as APIResponse;
  const context = {
    baseURL: 'http://example.test',
    async post(url: string) {
      sent.push(`POST ${url}`);
      return answer(answers.shift() ?? [200, 'ok']);
    },
    async dispose() {
      sent.push('dispose');
    },
  };
  return { context: context as unknown as APIRequestContext, sent };
}

describe('resending (wrangler dev 503 only)', () => {
  it("sends again after wrangler dev's own 503 and returns the worker's answer", async () => {
    const { context, sent } = scripted([
      [503, `${RESTARTED}. Please try sending the request again.`],
      [201, 'created'],
    ]);
    const response = await resending(context).post('/_wm/admin/api/login');
    expect(response.status()).toBe(201);
    expect(sent).toEqual(['POST /_wm/admin/api/login', 'POST /_wm/admin/api/login']);
  });

  it("returns the worker's own 503 and other errors as they are", async () => {
    const { context, sent } = scripted([[503, '{"error":"overloaded"}']]);
    expect((await resending(context).post('/x')).status()).toBe(503);
    expect(sent).toHaveLength(1);
  });

  it('gives up after four sends', async () => {
    const restarted: [number, string] = [503, RESTARTED];
    const { context, sent } = scripted([restarted, restarted, restarted, restarted, [200, 'late']]);
    expect((await resending(context).post('/x')).status()).toBe(503);
    expect(sent).toHaveLength(4);
  });

  it('leaves the other members alone and wraps once', async () => {
    const { context, sent } = scripted([]);
    const wrapped = resending(context);
    expect(resending(wrapped)).toBe(wrapped);
    await wrapped.dispose();
    expect(sent).toEqual(['dispose']);
  });
});

describe('every spec and support file', () => {
  const files = [
    ...readdirSync('e2e')
      .filter((f) => f.endsWith('.spec.ts'))
      .map((f) => join('e2e', f)),
    ...readdirSync('e2e/support')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'test.ts')
      .map((f) => join('e2e/support', f)),
  ];

  it.each(files)("%s takes `test` from e2e/support/test.ts, so its API requests resend wrangler dev's 503", (file) => {
    const source = readFileSync(file, 'utf8');
    const fromPlaywright = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@playwright\/test'/g)].flatMap((m) => m[1]!.split(','));
    expect(fromPlaywright.map((name) => name.trim()).filter((name) => /^test\b/.test(name))).toEqual([]);
  });
});
