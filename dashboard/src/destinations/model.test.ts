import { describe, expect, it } from 'vitest';
import { destinationSchema } from '../../../protocol/config/destinations';
import { blankForm, bodyOf, formOf, idFrom, secretText } from './model';

describe('destination form', () => {
  it('a new GA4 form saves as a body the API schema accepts, with the typed secret only', () => {
    const form = {
      ...blankForm('ga4'),
      name: 'GA4',
      settings: { measurementId: 'G-ABCD1234', region: 'eu' },
      include: 'purchase, page',
      secrets: { apiSecret: ' s3cret-value ' },
    };
    const body = bodyOf(form, 7);
    expect(body).toMatchObject({
      baseVersion: 7,
      kind: 'ga4',
      secrets: { apiSecret: 's3cret-value' },
      filters: { events: { include: ['purchase', 'page'], exclude: [] }, consent: ['analytics'] },
    });
    const { baseVersion: _v, secrets: _s, ...destination } = body;
    expect(destinationSchema.safeParse({ ...destination, id: idFrom('GA4') }).success).toBe(true);
  });
  it('round-trips a stored destination; no secret typed means none sent; host only when self-hosted', () => {
    const stored = {
      id: 'ph',
      name: 'PH',
      kind: 'posthog',
      enabled: false,
      settings: { region: 'eu' },
      filters: { events: { include: [], exclude: ['page'] }, consent: ['analytics', 'personalization'] },
    };
    const form = formOf(stored);
    expect(form).toMatchObject({ enabled: false, exclude: 'page', personalization: true });
    const body = bodyOf({ ...form, settings: { ...form.settings, host: 'https://ignored.example.com' } }, 3);
    expect(body['secrets']).toBeUndefined();
    expect(body['settings']).toEqual({ region: 'eu' });
    expect(destinationSchema.safeParse({ ...body, id: 'ph' }).success).toBe(false); // baseVersion is not a destination field
  });
  it('shows a secret as set with its last 4 characters at most', () => {
    expect(secretText({ set: true, last4: 'abcd' })).toBe('set ••••abcd');
    expect(secretText({ set: true, last4: null })).toBe('set');
    expect(secretText(undefined)).toBe('not set');
  });
});
