import { describe, expect, it } from 'vitest';
import { blankWebhook, FORMATS, journeysCalling, newSecret, outcomeLabel, webhookDraft } from './model';

describe('webhook secrets', () => {
  it('makes 32 random bytes as hex, new each time', () => {
    const a = newSecret();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecret()).not.toBe(a);
  });
  it('gives a new webhook a secret, JSON format, https and enabled', () => {
    const w = blankWebhook();
    expect(w).toMatchObject({ url: 'https://', format: 'json', enabled: true });
    expect(w['secret']).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(FORMATS)).toContain(w['format']);
  });
});

describe('webhookDraft', () => {
  it('leaves the stored secret alone when none was typed', () => {
    const d = webhookDraft({ id: ' crm ', name: 'CRM', secretSet: true, secret: '' }, { isNew: false, existing: [{ id: 'crm' }] });
    expect(d).toEqual({ id: 'crm', issues: [], body: { id: 'crm', name: 'CRM' } });
  });
  it('sends a new secret, and refuses a taken id', () => {
    const d = webhookDraft({ id: 'crm', secret: 'abc' }, { isNew: true, existing: [{ id: 'crm' }] });
    expect(d.body).toEqual({ id: 'crm', secret: 'abc' });
    expect(d.issues).toEqual([{ path: 'id', message: 'a webhook “crm” already exists' }]);
  });
});

describe('journeysCalling', () => {
  it('finds the journeys with a step calling the webhook', () => {
    const journeys = [
      { id: 'welcome', steps: [{ kind: 'webhook', webhook: 'crm' }] },
      { id: 'winback', steps: [{ kind: 'message', message: 'crm' }] },
      { id: 'bare' },
    ];
    expect(journeysCalling(journeys, 'crm').map((j) => j['id'])).toEqual(['welcome']);
  });
});

it('calls a dead delivery a dead letter', () => {
  expect(outcomeLabel('dead')).toBe('dead letter');
  expect(outcomeLabel('delivered')).toBe('delivered');
});
