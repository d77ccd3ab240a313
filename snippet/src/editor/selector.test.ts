import { describe, expect, it } from 'vitest';
import { acceptedByEdge, allElements, proposeSelector, stableClass, stableId, unpickable, type PickElement } from './selector';

/** A minimal element tree implementing PickElement (what the proposal reads from the DOM). */
class El implements PickElement {
  parentElement: El | null = null;
  readonly children: El[] = [];
  constructor(
    readonly localName: string,
    private readonly attrs: Record<string, string> = {},
  ) {}
  get id(): string {
    return this.attrs['id'] ?? '';
  }
  get attributes() {
    return Object.entries(this.attrs).map(([name, value]) => ({ name, value }));
  }
  getAttribute(name: string): string | null {
    return this.attrs[name] ?? null;
  }
}

function h(tag: string, attrs: Record<string, string> = {}, ...children: El[]): El {
  const el = new El(tag, attrs);
  for (const c of children) {
    c.parentElement = el;
    el.children.push(c);
  }
  return el;
}

/** The first element of `root` that passes `test`. */
function find(root: El, test: (el: El) => boolean): El {
  const el = (allElements(root) as El[]).find(test);
  if (!el) throw new Error('not found');
  return el;
}

const page = (...body: El[]) => h('html', {}, h('head', {}, h('title'), h('style')), h('body', {}, ...body));

describe('stable ids and classes', () => {
  it.each(['main', 'checkout', 'price-box', 'product_title', 'nav'])('id %s is stable', (id) => expect(stableId(id)).toBe(true));
  it.each([':r1:', 'ember1234', 'react-select-2-input', 'a1b2c3d4', '3col', 'radix-12', 'uid-9', 'f81d4fae-7dec-11d0', 'x7f3a9b2'])(
    'id %s looks generated',
    (id) => expect(stableId(id)).toBe(false),
  );
  it.each(['hero', 'product-card', 'price', 'site-header', 'btn-primary', 'nav__item'])('class %s is stable', (c) => expect(stableClass(c)).toBe(true));
  it.each([
    'css-1x2y3z',
    'sc-bdfBwQ',
    'bFgHtQ',
    'jsx-2934857',
    'Header_title__3xYz1',
    'svelte-1abc2d',
    'hover:bg-blue-500',
    'md:flex',
    'px-4',
    'text-center',
    'flex',
    'hidden',
    'w-1/2',
    'active',
    'is-open',
    'selected',
    'mt-2',
    'col-md-6',
    'makeStyles-root-12',
  ])('class %s is skipped', (c) => expect(stableClass(c)).toBe(false));
});

describe('proposeSelector', () => {
  it('prefers a stable id', () => {
    const root = page(h('main', { id: 'content', class: 'css-1x2y3z' }, h('h1', {}, h('span'))));
    const target = find(root as El, (e) => e.localName === 'main');
    expect(proposeSelector(target, root)).toEqual({ ok: true, selector: '#content', matches: 1 });
  });

  it('skips a generated id and uses a data-* attribute', () => {
    const root = page(h('div', { id: 'ember1234', 'data-testid': 'promo-banner', 'data-state': 'open' }));
    const target = find(root as El, (e) => e.id === 'ember1234');
    expect(proposeSelector(target, root)).toEqual({ ok: true, selector: '[data-testid="promo-banner"]', matches: 1 });
  });

  it('uses a stable class, never a hashed or utility one', () => {
    const root = page(h('div', { class: 'css-1x2y3z flex px-4 hero-banner active' }), h('div', { class: 'css-1x2y3z flex' }));
    const target = find(root as El, (e) => (e.getAttribute('class') ?? '').includes('hero'));
    expect(proposeSelector(target, root)).toEqual({ ok: true, selector: '.hero-banner', matches: 1 });
  });

  it('anchors a repeated element on an ancestor with a hook', () => {
    const card = (sku: string) => h('article', { class: 'card', 'data-sku': sku }, h('h2', { class: 'title' }), h('p', { class: 'price' }));
    const root = page(h('section', { id: 'featured' }, card('boots')), h('section', { id: 'more' }, card('tent'), card('stove')));
    const target = find(root as El, (e) => e.getAttribute('class') === 'price' && e.parentElement?.getAttribute('data-sku') === 'boots');
    const p = proposeSelector(target, root);
    expect(p).toEqual({ ok: true, selector: '[data-sku="boots"] .price', matches: 1 });
  });

  it('falls back to a child path with :first-of-type when nothing else is unique', () => {
    const root = page(h('div', {}, h('p'), h('p')), h('div', {}, h('p')));
    const target = find(root as El, (e) => e.localName === 'p');
    const p = proposeSelector(target, root);
    expect(p.ok && p.selector).toBe('body > div:first-of-type > p:first-of-type');
    expect(p.ok && p.matches).toBe(1);
  });

  it('reports the fewest matches when no unique selector exists (no :nth-of-type in the config charset)', () => {
    const root = page(h('ul', {}, h('li'), h('li'), h('li')));
    const second = (allElements(root) as El[]).filter((e) => e.localName === 'li')[1]!;
    const p = proposeSelector(second, root);
    expect(p.ok).toBe(true);
    if (p.ok) {
      expect(p.matches).toBeGreaterThan(1);
      expect(acceptedByEdge(p.selector)).toBe(true);
    }
  });

  it.each(['script', 'style', 'iframe', 'template', 'textarea', 'noscript', 'object', 'svg'])('refuses <%s>', (tag) => {
    const root = page(h(tag, { id: 'x' }));
    expect(
      proposeSelector(
        find(root as El, (e) => e.localName === tag),
        root,
      ).ok,
    ).toBe(false);
  });

  it('refuses what is inside svg or head, and html/body themselves', () => {
    const root = page(h('svg', {}, h('g', { id: 'icon' }, h('foreignObject', {}, h('div', { id: 'inner' })))));
    for (const pick of ['g', 'foreignObject', 'div', 'title', 'html', 'body']) {
      const el = find(root as El, (e) => e.localName === pick);
      expect(unpickable(el), pick).not.toBeNull();
      expect(proposeSelector(el, root).ok, pick).toBe(false);
    }
  });

  it('never proposes a selector the edge refuses (ids and values outside its charset are skipped)', () => {
    const root = page(h('div', { id: 'a/b', 'data-name': 'x"y', class: 'we:ird' }, h('span')));
    const target = find(root as El, (e) => e.localName === 'div');
    const p = proposeSelector(target, root);
    expect(p.ok && p.selector).toBe('div');
  });

  it('every proposal on a varied page is unique, matches the target and passes the edge', () => {
    const root = page(
      h('header', { class: 'site-header' }, h('nav', { 'aria-label': 'Main' }, h('a', { class: 'nav__item' }), h('a', { class: 'nav__item' }))),
      h(
        'main',
        { id: 'main' },
        h('h1', { class: 'css-abc123' }),
        h('form', { role: 'search' }, h('input', { name: 'q' }), h('button', { type: 'submit' })),
        h('div', { class: 'grid' }, h('div', { class: 'tile' }, h('img')), h('div', { class: 'tile' }, h('img'))),
      ),
      h('footer', {}, h('p', { class: 'legal' })),
    );
    for (const el of allElements(root)) {
      const p = proposeSelector(el, root);
      if (!p.ok) continue;
      expect(acceptedByEdge(p.selector), p.selector).toBe(true);
    }
    const h1 = find(root as El, (e) => e.localName === 'h1');
    expect(proposeSelector(h1, root)).toEqual({ ok: true, selector: 'h1', matches: 1 });
    const input = find(root as El, (e) => e.localName === 'input');
    expect(proposeSelector(input, root)).toEqual({ ok: true, selector: 'input[name="q"]', matches: 1 });
  });
});
