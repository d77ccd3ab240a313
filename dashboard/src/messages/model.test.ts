import { describe, expect, it } from 'vitest';
import { audienceText, blankMessage, messageDraft, TRIGGERS, triggerText } from './model';

describe('the list summaries', () => {
  it('says when a message shows, for every trigger', () => {
    expect(Object.keys(TRIGGERS).map((on) => triggerText({ on, seconds: 5, percent: 50, name: 'signup' }))).toEqual([
      'page load',
      'after 5 s',
      '50% scrolled',
      'exit intent',
      'event “signup”',
    ]);
    expect(triggerText(undefined)).toBe('page load');
  });
  it('names the audience, or everyone', () => {
    const names = new Map([['road', 'Road runners']]);
    expect(audienceText(['road', 'gone'], names)).toBe('Road runners, gone');
    expect(audienceText([], names)).toBe('Everyone');
    expect(audienceText(undefined, names)).toBe('Everyone');
  });
});

describe('messageDraft', () => {
  const ctx = { isNew: true, existing: [{ id: 'taken' }] };

  it('sends a new banner as the API wants it', () => {
    const d = messageDraft({ ...blankMessage(), id: ' promo ', name: 'Promo', title: ' ', cta: { text: '', href: '' } }, ctx);
    expect(d.issues).toEqual([]);
    const { id: _blankId, ...rest } = blankMessage();
    expect(d.body).toEqual({ ...rest, id: 'promo', name: 'Promo' });
    expect(d.body).not.toHaveProperty('title');
    expect(d.body).not.toHaveProperty('cta');
  });

  it('types the numbers typed in the form and keeps only what the trigger uses', () => {
    const d = messageDraft(
      {
        ...blankMessage(),
        id: 'm',
        priority: '7',
        holdout: '',
        trigger: { on: 'scroll', percent: '60', seconds: '3' },
        caps: { perDay: '2', lifetime: '', cooldownMinutes: '30' },
        goal: { event: ' signup ', withinHours: '' },
        variants: [
          { id: 'a', weight: '60', title: '' },
          { id: 'b', weight: '40', title: 'B' },
        ],
        target: '#x',
        survey: { pref: 'sport' },
      },
      ctx,
    );
    expect(d.body).toMatchObject({
      priority: 7,
      holdout: 0,
      trigger: { on: 'scroll', percent: 60 },
      caps: { perDay: 2, cooldownMinutes: 30 },
      goal: { event: 'signup', withinHours: 24 },
      variants: [
        { id: 'a', weight: 60 },
        { id: 'b', weight: 40, title: 'B' },
      ],
    });
    expect(d.body['trigger']).not.toHaveProperty('seconds');
    expect(d.body).not.toHaveProperty('target');
    expect(d.body).not.toHaveProperty('survey');
  });

  it('keeps a survey’s thank-you, drops a blank one, and drops every thank-you once the type is not survey', () => {
    const options = [
      { value: 'a', label: 'A' },
      { value: 'b', label: 'B' },
    ];
    const base = { ...blankMessage(), id: 'm', type: 'survey', survey: { pref: 'p', options }, locales: { fr: { body: 'Corps', thanks: 'Merci !' } } };
    expect(messageDraft({ ...base, thanks: 'Thank you!' }, ctx).body).toMatchObject({ thanks: 'Thank you!', locales: { fr: { thanks: 'Merci !' } } });
    expect(messageDraft({ ...base, thanks: ' ' }, ctx).body).not.toHaveProperty('thanks');
    const banner = messageDraft({ ...base, type: 'banner', thanks: 'Thank you!' }, ctx).body;
    expect(banner).not.toHaveProperty('thanks');
    expect(banner['locales']).toEqual({ fr: { body: 'Corps' } });
  });

  it('drops an empty goal and an off bandit, and refuses a bandit over one variant and a taken id', () => {
    const off = messageDraft({ ...blankMessage(), id: 'm', goal: { event: '', withinHours: '' }, bandit: false }, ctx);
    expect(off.body).not.toHaveProperty('goal');
    expect(off.body).not.toHaveProperty('bandit');
    const bad = messageDraft({ ...blankMessage(), id: 'taken', bandit: true }, ctx);
    expect(bad.issues).toEqual([
      { path: 'id', message: 'a message “taken” already exists' },
      { path: 'bandit', message: 'a bandit needs at least 2 variants to choose between' },
    ]);
  });
});
