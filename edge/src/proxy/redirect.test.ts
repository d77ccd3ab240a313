import { describe, expect, it } from 'vitest';
import { proxiedLocation } from './redirect';

const UP = 'https://origin.shop.example';
const REQ = 'https://shop.example.com/cart';

describe('proxiedLocation keeps an upstream path a path', () => {
  // Found by the header probes: the upstream's own `//evil.com/x` path became the host evil.com.
  it.each([
    ['https://origin.shop.example//evil.com/x', 'https://shop.example.com//evil.com/x'],
    ['https://origin.shop.example//evil.com', 'https://shop.example.com//evil.com'],
    ['https://origin.shop.example/\\evil.com', 'https://shop.example.com//evil.com'],
    ['https://origin.shop.example/.//evil.com?a=1#h', 'https://shop.example.com//evil.com?a=1#h'],
  ])('%s → %s, still on the proxied host', (location, expected) => {
    const out = proxiedLocation(location, UP, REQ);
    expect(out).toBe(expected);
    expect(new URL(out).host).toBe('shop.example.com');
  });
});
