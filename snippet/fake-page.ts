// Minimal browser globals for the snippet's pure modules in plain Node.
export function fakeStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => (m.has(k) ? m.get(k)! : null),
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

export function installPage(href = 'https://shop.example/p/1?utm_source=news&utm_medium=email&x=1') {
  const url = new URL(href);
  Object.assign(globalThis, {
    location: { href, search: url.search, pathname: url.pathname, hash: url.hash },
    document: { referrer: 'https://www.google.com/', title: 'Product 1' },
    localStorage: fakeStorage(),
  });
}
