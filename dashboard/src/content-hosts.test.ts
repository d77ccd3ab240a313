import { describe, expect, it } from 'vitest';
import { contentHostsHint } from './content-hosts';

describe('contentHostsHint', () => {
  it('names the site’s hosts and where to allow others', () => {
    expect(contentHostsHint({ origins: ['https://shop.example'], content: { allowedHosts: ['cdn.example'] } })).toBe(
      'Images and links: a path like /sale or a URL on cdn.example, shop.example. Other hosts are refused: add them in Settings → Content hosts.',
    );
    expect(contentHostsHint({ origins: [] })).toMatch(/^Images and links: a path on this site like \/sale\./);
  });
});
