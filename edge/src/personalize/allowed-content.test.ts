import { describe, expect, it } from 'vitest';
import type { Message } from '../../../protocol/config/messages';
import type { Slot } from '../../../protocol/config/personalization';
import { allowedContent } from './allowed-content';

// Rules as a hand-written config could hold them: never through the schema.
const slot = (over: Partial<Slot>): Slot => ({ id: 's', name: 'S', variants: [], ...over });
const img = (src: string, priority: number) => ({ segment: 'everyone', priority, content: { type: 'image' as const, src, alt: '' } });
const message = (over: Partial<Message>): Message => ({
  ...({ id: 'm', name: 'M', type: 'toast', body: 'Hi', segments: [], variants: [{ id: 'a', weight: 100 }] } as unknown as Message),
  ...over,
});

describe('allowedContent (render time, the config not trusted)', () => {
  const rules = {
    origins: ['https://shop.example'],
    content: { allowedHosts: ['cdn.example'] },
    slots: [
      slot({ id: 'hero', variants: [img('https://tracker.example/p.gif', 9), img('https://cdn.example/ok.png', 5), img('/local.png', 1)] }),
      slot({ id: 'bad-selector', selector: 'script', variants: [img('/a.png', 1)] }),
      slot({
        id: 'html',
        variants: [{ segment: 'everyone', priority: 1, content: { type: 'html', html: '<p><img src="https://pixel.example/x.gif" alt=""></p>' } }],
      }),
    ],
    messages: [
      message({ id: 'ok', cta: { text: 'Go', href: 'https://shop.example/sale' } }),
      message({ id: 'off-site', cta: { text: 'Go', href: 'https://evil.example/' } }),
      message({ id: 'variant-off-site', variants: [{ id: 'a', weight: 100, cta: { text: 'Go', href: 'https://evil.example/' } }] }),
      message({ id: 'head-target', type: 'inline', target: 'head > meta' }),
    ],
  };

  it('drops variants with a disallowed host, keeps the others in order', () => {
    const { slots } = allowedContent(rules);
    expect(slots[0]!.variants.map((v) => (v.content as { src: string }).src)).toEqual(['https://cdn.example/ok.png', '/local.png']);
    expect(slots[2]!.variants).toEqual([]);
  });

  it('drops an unsafe selector but keeps the slot (its data-wm-slot elements are guarded at render)', () => {
    const { slots } = allowedContent(rules);
    expect(slots[1]).toEqual({ id: 'bad-selector', name: 'S', variants: [img('/a.png', 1)] });
  });

  it('drops messages whose CTA leaves the allowed hosts, or whose target is unsafe', () => {
    expect(allowedContent(rules).messages.map((m) => m.id)).toEqual(['ok']);
  });

  it('without origins, only relative URLs pass', () => {
    const { slots } = allowedContent({ slots: rules.slots, messages: [] });
    expect(slots[0]!.variants.map((v) => (v.content as { src: string }).src)).toEqual(['/local.png']);
  });
});
