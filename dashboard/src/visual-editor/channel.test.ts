import { describe, expect, it } from 'vitest';
import { editorUrl, expectedOrigin, isHandshake, pageOrigins, sandboxFor } from './channel';

const HERE = 'https://edge.example';

describe('visual editor frame', () => {
  it('offers this origin, the site origins and its proxied hosts, once each', () => {
    expect(pageOrigins({ origins: ['https://shop.example', HERE], proxy: { hostnames: ['www.shop.example'] } }, HERE)).toEqual([
      HERE,
      'https://shop.example',
      'https://www.shop.example',
    ]);
  });

  it('frames only plain paths, with the edit parameters', () => {
    expect(editorUrl('https://shop.example', '/product/1?x=2')).toBe('https://shop.example/product/1?x=2&wm_preview=1&wm_edit=1');
    for (const bad of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/%2f%2fevil.example'])
      expect(editorUrl('https://shop.example', bad), bad).toBeNull();
  });

  it('sandboxes a page on the dashboard origin to an opaque origin; keeps another origin', () => {
    expect(sandboxFor(HERE, HERE)).toBe('allow-scripts');
    expect(expectedOrigin(HERE, HERE)).toBe('null');
    expect(sandboxFor('https://shop.example', HERE)).toBe('allow-scripts allow-same-origin');
    expect(expectedOrigin('https://shop.example', HERE)).toBe('https://shop.example');
  });

  it('takes the handshake only from its own frame, from the page origin, with one port', () => {
    const frame = {};
    const ok = { source: frame, origin: 'https://shop.example', data: { wm: 'editor-ready' }, ports: [{}] };
    expect(isHandshake(ok, frame, 'https://shop.example', HERE)).toBe(true);
    expect(isHandshake({ ...ok, source: {} }, frame, 'https://shop.example', HERE)).toBe(false);
    expect(isHandshake({ ...ok, origin: 'https://evil.example' }, frame, 'https://shop.example', HERE)).toBe(false);
    expect(isHandshake({ ...ok, origin: 'null' }, frame, 'https://shop.example', HERE)).toBe(false);
    expect(isHandshake({ ...ok, ports: [] }, frame, 'https://shop.example', HERE)).toBe(false);
    expect(isHandshake({ ...ok, data: { wm: 'preview-ready' } }, frame, 'https://shop.example', HERE)).toBe(false);
    expect(isHandshake({ ...ok, origin: 'null' }, frame, HERE, HERE)).toBe(true);
    expect(isHandshake({ ...ok, origin: HERE }, frame, HERE, HERE)).toBe(false);
  });
});
