import { describe, expect, it } from 'vitest';
import type { MessageDecision, MessageTrigger } from '../../../protocol/wire';
import { due, fired, overlay, safeHref, scrolled, timers, validMessages, type Seen } from './messages';

const msg = (id: string, extra: Partial<MessageDecision> = {}): MessageDecision => ({
  kind: 'message',
  id,
  variant: 'a',
  type: 'toast',
  trigger: { on: 'load' },
  body: `body of ${id}`,
  priority: 0,
  why: 'test',
  ...extra,
});
const seen = (s: Partial<Seen> = {}): Seen => ({ ms: 0, scroll: 0, exit: false, events: new Set(), ...s });
const ids = (l: MessageDecision[]) => l.map((m) => m.id);

describe('safeHref: only links that cannot run script or leave through a protocol-relative URL', () => {
  it.each(['https://shop.example/x', 'http://a.b', 'HTTPS://A.B', '/category/running', '/', 'mailto:a@b.c', 'tel:+15551234', 'MAILTO:x@y'])('allows %s', (h) =>
    expect(safeHref(h)).toBe(true),
  );
  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    '\tjavascript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:x',
    '//evil.example/x',
    '/\\evil.example',
    'relative/path',
    '#top',
    'https:evil',
    ' https://a.b',
    '',
    undefined,
    null,
    42,
  ])('refuses %j', (h) => expect(safeHref(h)).toBe(false));
});

describe('validMessages: only well-formed message decisions are used', () => {
  it('keeps messages, drops slot decisions and junk', () => {
    const good = msg('m1');
    const list = [good, { kind: 'slot', id: 'hero', html: '', segment: 's', why: '' }, null, 3, 'x', { ...good, id: '' }];
    expect(validMessages(list)).toEqual([good]);
    expect(validMessages(undefined)).toEqual([]);
    expect(validMessages({ 0: good })).toEqual([]);
  });
  it('checks type, trigger, text, priority and CTA shape', () => {
    const bad: unknown[] = [
      { ...msg('a'), type: 'popup' },
      { ...msg('b'), trigger: { on: 'time' } },
      { ...msg('c'), trigger: { on: 'scroll', percent: '50' } },
      { ...msg('d'), trigger: { on: 'event' } },
      { ...msg('e'), trigger: { on: 'hover' } },
      { ...msg('f'), trigger: null },
      { ...msg('g'), body: 3 },
      { ...msg('h'), priority: Infinity },
      { ...msg('i'), title: {} },
      { ...msg('j'), cta: { text: 'Go' } },
      { ...msg('k'), variant: undefined },
    ];
    expect(validMessages(bad)).toEqual([]);
    const ok = [
      msg('t', { trigger: { on: 'time', seconds: 3 } }),
      msg('s', { trigger: { on: 'scroll', percent: 50 } }),
      msg('x', { trigger: { on: 'exit' }, type: 'modal', title: 'T', cta: { text: 'Go', href: 'javascript:x' } }),
      msg('v', { trigger: { on: 'event', name: 'add_to_cart' }, type: 'banner' }),
    ];
    // An unsafe CTA does not cost the message: only the link is left out when rendering.
    expect(validMessages(ok)).toEqual(ok);
  });
  it('a survey needs its pref and options; an inline message its target', () => {
    const survey = msg('s', { type: 'survey', survey: { pref: 'sport', options: [{ value: 'trail', label: 'Trail' }] } });
    expect(validMessages([survey])).toEqual([survey]);
    expect(validMessages([{ ...survey, survey: undefined }])).toEqual([]);
    expect(validMessages([{ ...survey, survey: { pref: 'sport', options: [] } }])).toEqual([]);
    expect(validMessages([{ ...survey, survey: { pref: 'sport', options: [{ value: 1, label: 'x' }] } }])).toEqual([]);
    expect(validMessages([{ ...survey, survey: { options: [{ value: 'a', label: 'A' }] } }])).toEqual([]);
    // Its thank-you is text when there is one.
    const thanked = { ...survey, survey: { ...survey.survey!, thanks: 'Merci !' } };
    expect(validMessages([thanked])).toEqual([thanked]);
    expect(validMessages([{ ...survey, survey: { ...survey.survey!, thanks: { html: '<b>x</b>' } } }])).toEqual([]);
    const inline = msg('i', { type: 'inline', target: '#here' });
    expect(validMessages([inline, { ...inline, target: undefined }])).toEqual([inline]);
  });
});

describe('fired: client-side triggers', () => {
  const t = (x: MessageTrigger, s: Partial<Seen>) => fired(x, seen(s));
  it('load fires at once', () => expect(t({ on: 'load' }, {})).toBe(true));
  it('time fires after the seconds on the page', () => {
    expect(t({ on: 'time', seconds: 2 }, { ms: 1999 })).toBe(false);
    expect(t({ on: 'time', seconds: 2 }, { ms: 2000 })).toBe(true);
    expect(t({ on: 'time', seconds: 0 }, { ms: 0 })).toBe(true);
  });
  it('scroll fires at the percent', () => {
    expect(t({ on: 'scroll', percent: 50 }, { scroll: 49.9 })).toBe(false);
    expect(t({ on: 'scroll', percent: 50 }, { scroll: 50 })).toBe(true);
  });
  it('exit fires only while an exit is handled', () => {
    expect(t({ on: 'exit' }, {})).toBe(false);
    expect(t({ on: 'exit' }, { exit: true })).toBe(true);
  });
  it('event fires once the page tracked that name (before or after the decision came)', () => {
    expect(t({ on: 'event', name: 'add_to_cart' }, { events: new Set(['page_view_x']) })).toBe(false);
    expect(t({ on: 'event', name: 'add_to_cart' }, { events: new Set(['add_to_cart']) })).toBe(true);
  });
});

describe('scrolled: percent of the page scrolled', () => {
  it('is the top of the viewport over the distance it can travel', () => {
    expect(scrolled(0, 800, 2400)).toBe(0);
    expect(scrolled(800, 800, 2400)).toBe(50);
    expect(scrolled(1600, 800, 2400)).toBe(100);
  });
  it('is bounded (overscroll) and 100 for a page that does not scroll', () => {
    expect(scrolled(-40, 800, 2400)).toBe(0);
    expect(scrolled(5000, 800, 2400)).toBe(100);
    expect(scrolled(0, 800, 600)).toBe(100);
    expect(scrolled(0, 800, 800)).toBe(100);
  });
});

describe('due: arbitration', () => {
  it('shows one overlay, the highest priority, and every inline message', () => {
    const list = [
      msg('toast', { priority: 1 }),
      msg('modal', { type: 'modal', priority: 5 }),
      msg('banner', { type: 'banner', priority: 3 }),
      msg('in1', { type: 'inline', target: '#a', priority: 0 }),
      msg('in2', { type: 'inline', target: '#b', priority: 9 }),
    ];
    expect(ids(due(list, new Set(), seen(), false))).toEqual(['modal', 'in1', 'in2']);
  });
  it('while an overlay is on screen, only inline messages show; the others wait', () => {
    const list = [msg('toast', { priority: 1 }), msg('in', { type: 'inline', target: '#a' })];
    expect(ids(due(list, new Set(), seen(), true))).toEqual(['in']);
    expect(ids(due(list, new Set(['in']), seen(), false))).toEqual(['toast']);
  });
  it('a tie goes to the edge order; negative priorities work', () => {
    const list = [msg('a', { priority: -2 }), msg('b', { priority: -2 }), msg('c', { priority: -3 })];
    expect(ids(due(list, new Set(), seen(), false))).toEqual(['a']);
  });
  it('only fired triggers count: a higher priority that has not fired does not block a lower one', () => {
    const list = [msg('later', { priority: 10, trigger: { on: 'time', seconds: 5 } }), msg('now', { priority: 1 })];
    expect(ids(due(list, new Set(), seen({ ms: 100 }), false))).toEqual(['now']);
    expect(ids(due(list, new Set(['now']), seen({ ms: 5000 }), false))).toEqual(['later']);
  });
  it('never shows a message id twice (page or session)', () => {
    const list = [msg('a', { priority: 2 }), msg('b', { priority: 1 })];
    expect(ids(due(list, new Set(['a']), seen(), false))).toEqual(['b']);
    expect(ids(due(list, new Set(['a', 'b']), seen(), false))).toEqual([]);
  });
  it('overlay() tells the overlay types apart', () => {
    expect(['banner', 'modal', 'toast', 'survey', 'inline'].map((type) => overlay(msg('x', { type } as Partial<MessageDecision>)))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('timers: when to look again for time triggers', () => {
  it('lists the delay left for each time trigger not yet shown', () => {
    const list = [
      msg('a', { trigger: { on: 'time', seconds: 3 } }),
      msg('b', { trigger: { on: 'time', seconds: 1 } }),
      msg('c', { trigger: { on: 'time', seconds: 10 } }),
      msg('d', { trigger: { on: 'load' } }),
    ];
    expect(timers(list, new Set(['c']), 1500)).toEqual([1500, 0]);
  });
});
