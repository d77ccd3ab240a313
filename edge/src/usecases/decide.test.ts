import { describe, expect, it } from 'vitest';
import { decideForPage } from './decide';

describe('decideForPage', () => {
  it("asks for the page's decisions with its URL and a valid referrer only", async () => {
    const pages: unknown[] = [];
    const decide = async (page: unknown) => (pages.push(page), []);
    expect(await decideForPage({ url: 'https://shop.example/a', ref: 'https://ref.example/', decide })).toEqual({ decisions: [] });
    await decideForPage({ url: 'https://shop.example/b', ref: 'not a url', decide });
    expect(pages).toEqual([{ url: 'https://shop.example/a', referrer: 'https://ref.example/' }, { url: 'https://shop.example/b' }]);
  });

  it('400 for a missing, relative or non-http URL', async () => {
    const decide = async () => [];
    for (const url of [undefined, '/a', 'javascript:alert(1)']) {
      await expect(decideForPage({ url, ref: undefined, decide })).rejects.toMatchObject({ status: 400 });
    }
  });
});
