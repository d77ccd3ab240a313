import { describe, expect, it } from 'vitest';
import { siteConfigSchema } from './site';
import { fatigueSchema, isTimeZone, messageSchema } from './messages';

const base = { id: 'welcome', name: 'Welcome', type: 'banner', body: 'Hello' } as const;
const issues = (input: unknown) => {
  const r = messageSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('message schema', () => {
  it('fills defaults: everyone, on load, priority 0, no caps, one variant, no holdout', () => {
    expect(messageSchema.parse(base)).toEqual({
      ...base,
      segments: [],
      trigger: { on: 'load' },
      priority: 0,
      caps: {},
      variants: [{ id: 'default', weight: 100 }],
      holdout: 0,
    });
  });

  it('accepts a full survey with schedule, caps, variants, holdout and goal', () => {
    const survey = {
      id: 'sport-survey',
      name: 'What do you run?',
      type: 'survey',
      segments: ['runners'],
      trigger: { on: 'scroll', percent: 50 },
      urlMatch: { op: 'path_prefix', value: '/shoes' },
      title: 'Quick question',
      body: 'Which terrain do you run on?',
      survey: {
        pref: 'sport',
        options: [
          { value: 'trail', label: 'Trail' },
          { value: 'road', label: 'Road' },
        ],
      },
      schedule: { start: '2026-03-01T00:00:00Z', end: '2026-04-01T00:00:00+02:00', timeZone: 'Europe/Paris', days: ['mon', 'fri'], hours: { from: 22, to: 6 } },
      priority: 40,
      caps: { perDay: 1, lifetime: 3, cooldownMinutes: 60 },
      variants: [
        { id: 'a', weight: 50 },
        { id: 'b', weight: 50, title: 'One question' },
      ],
      holdout: 10,
      goal: { event: 'add_to_cart', withinHours: 48 },
    };
    expect(messageSchema.safeParse(survey).success).toBe(true);
  });

  it('refuses a survey without options, and options on a non-survey', () => {
    expect(issues({ ...base, type: 'survey' })).toEqual(['survey: a survey message needs survey options']);
    expect(issues({ ...base, type: 'survey', survey: { pref: 'sport', options: [{ value: 'x', label: 'X' }] } })).toEqual([
      'survey.options: a survey needs 2 to 8 options',
    ]);
    const twice = {
      pref: 'sport',
      options: [
        { value: 'x', label: 'X' },
        { value: 'x', label: 'Y' },
      ],
    };
    expect(issues({ ...base, type: 'survey', survey: twice })).toEqual(['survey.options.1.value: duplicate option value "x"']);
    expect(
      issues({
        ...base,
        survey: {
          pref: 'sport',
          options: [
            { value: 'x', label: 'X' },
            { value: 'y', label: 'Y' },
          ],
        },
      }),
    ).toEqual(['survey: only survey messages take survey options (this is a banner)']);
  });

  it('refuses an inline message without a target, and a target on an overlay', () => {
    expect(issues({ ...base, type: 'inline' })).toEqual(['target: an inline message needs a target (a CSS selector)']);
    expect(issues({ ...base, type: 'inline', target: '.hero' })).toEqual([]);
    expect(issues({ ...base, type: 'inline', target: 'a{}</style>' })[0]).toMatch(/^target: must be a simple CSS selector/);
    expect(issues({ ...base, target: '.hero' })).toEqual(['target: only inline messages take a target (this is a banner)']);
  });

  it('refuses script URLs in the cta, of the base and of a variant', () => {
    for (const href of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', '//evil.example', '/\\evil.example']) {
      expect(issues({ ...base, cta: { text: 'Go', href } }), href).toEqual(['cta.href: must be an http(s) URL, a path starting with /, mailto: or tel:']);
    }
    expect(issues({ ...base, variants: [{ id: 'a', weight: 100, cta: { text: 'Go', href: 'javascript:x' } }] })).toEqual([
      'variants.0.cta.href: must be an http(s) URL, a path starting with /, mailto: or tel:',
    ]);
    expect(issues({ ...base, cta: { text: 'Go', href: '/cart' } })).toEqual([]);
  });

  it('refuses unknown time zones, bad windows and end before start', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    // Answers are remembered (the edge asks on every request): asked again, the same answers.
    expect([isTimeZone('America/New_York'), isTimeZone('Mars/Olympus_Mons')]).toEqual([true, false]);
    // Past the bound (a flood of made-up names) the memory starts over and still answers right.
    for (let i = 0; i < 1_100; i++) isTimeZone(`Made/Up_${i}`);
    expect([isTimeZone('Asia/Tokyo'), isTimeZone('Not/A_Zone')]).toEqual([true, false]);
    expect(issues({ ...base, schedule: { timeZone: 'Mars/Olympus_Mons' } })).toEqual([
      'schedule.timeZone: unknown time zone (use an IANA name like Europe/Paris)',
    ]);
    expect(issues({ ...base, schedule: { hours: { from: 9, to: 9 } } })).toEqual(['schedule.hours.to: from and to are the same hour (an empty window)']);
    expect(issues({ ...base, schedule: { hours: { from: 24, to: 25 } } }).map((i) => i.split(':')[0])).toEqual(['schedule.hours.from', 'schedule.hours.to']);
    expect(issues({ ...base, schedule: { days: ['mon', 'mon'] } })).toEqual(['schedule.days: a day is listed twice']);
    expect(issues({ ...base, schedule: { days: ['someday'] } }).map((i) => i.split(':')[0])).toEqual(['schedule.days.0']);
    expect(issues({ ...base, schedule: { start: '2026-03-02T00:00:00Z', end: '2026-03-01T00:00:00Z' } })).toEqual(['schedule.end: ends before it starts']);
    expect(issues({ ...base, schedule: { start: '2026-03-02' } })[0]).toMatch(/^schedule.start: must be an ISO date-time/);
  });

  it('refuses bad variant weights, duplicate and reserved variant ids, too many variants', () => {
    expect(
      issues({
        ...base,
        variants: [
          { id: 'a', weight: 50 },
          { id: 'b', weight: 40 },
        ],
      }),
    ).toEqual(['variants: variant weights must add up to 100 (they add up to 90)']);
    expect(
      issues({
        ...base,
        variants: [
          { id: 'a', weight: 0 },
          { id: 'b', weight: 100 },
        ],
      }).map((i) => i.split(':')[0]),
    ).toEqual(['variants.0.weight']);
    expect(
      issues({
        ...base,
        variants: [
          { id: 'a', weight: 50 },
          { id: 'a', weight: 50 },
        ],
      }),
    ).toEqual(['variants.1.id: duplicate variant id "a"']);
    expect(issues({ ...base, variants: [{ id: 'holdout', weight: 100 }] })).toEqual(['variants.0.id: "holdout" is reserved for the control group']);
    const six = Array.from({ length: 6 }, (_, i) => ({ id: `v${i}`, weight: i === 0 ? 50 : 10 }));
    expect(issues({ ...base, variants: six })).toEqual(['variants: at most 5 variants']);
    expect(issues({ ...base, variants: [] })).toContain('variants: needs at least one variant');
  });

  it('refuses out-of-range triggers, holdout, priority and goal, and unknown fields', () => {
    expect(issues({ ...base, trigger: { on: 'time', seconds: 0 } }).map((i) => i.split(':')[0])).toEqual(['trigger.seconds']);
    expect(issues({ ...base, trigger: { on: 'scroll', percent: 101 } }).map((i) => i.split(':')[0])).toEqual(['trigger.percent']);
    expect(issues({ ...base, trigger: { on: 'event', name: '' } }).map((i) => i.split(':')[0])).toEqual(['trigger.name']);
    expect(issues({ ...base, trigger: { on: 'inactivity', minutes: 5 } }).map((i) => i.split(':')[0])).toEqual(['trigger.on']);
    expect(issues({ ...base, holdout: 51 }).map((i) => i.split(':')[0])).toEqual(['holdout']);
    expect(issues({ ...base, priority: 1001 }).map((i) => i.split(':')[0])).toEqual(['priority']);
    expect(issues({ ...base, goal: { event: 'buy', withinHours: 721 } }).map((i) => i.split(':')[0])).toEqual(['goal.withinHours']);
    expect(issues({ ...base, body: '' }).map((i) => i.split(':')[0])).toEqual(['body']);
    expect(issues({ ...base, title: 'x'.repeat(121) }).map((i) => i.split(':')[0])).toEqual(['title']);
    expect(issues({ ...base, urlMatch: { op: 'path_eq', value: 'cart' } })).toEqual(['urlMatch.value: a path must start with / (for path_eq)']);
    expect(issues({ ...base, html: '<b>x</b>' }).length).toBe(1);
  });

  it('fatigue defaults to 3 per day and no minimum gap', () => {
    expect(fatigueSchema.parse({})).toEqual({ perDay: 3, minMinutesBetween: 0 });
    expect(fatigueSchema.safeParse({ perDay: 0 }).success).toBe(false);
  });
});

describe('messages in the site config', () => {
  const site = {
    id: 'shop',
    name: 'Shop',
    version: 1,
    origins: [],
    consentPolicy: 'opt-out',
    segments: [{ id: 'runners', name: 'Runners', condition: { identified: true } }],
  };

  it('defaults to no messages and the default fatigue', () => {
    expect(siteConfigSchema.parse(site)).toMatchObject({ messages: [], messageFatigue: { perDay: 3, minMinutesBetween: 0 } });
    expect(siteConfigSchema.parse({ ...site, messageFatigue: { perDay: 5 } }).messageFatigue).toEqual({ perDay: 5, minMinutesBetween: 0 });
  });

  it('refuses duplicate message ids and unknown segments, with paths', () => {
    const r = siteConfigSchema.safeParse({
      ...site,
      messages: [
        { ...base, segments: ['runners'] },
        { ...base, segments: ['runners', 'ghosts'] },
      ],
    });
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'messages.1.id: duplicate message id "welcome"',
      'messages.1.segments.1: no segment "ghosts"',
    ]);
  });
});
