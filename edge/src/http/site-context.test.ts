import { describe, expect, it } from 'vitest';
import { visitorSecret } from './site-context';

const env = (vars: Partial<Pick<Env, 'WM_SECRET' | 'WM_DEMO'>>) => vars as Env;

describe('visitorSecret', () => {
  it('refuses a missing or short secret', () => {
    expect(() => visitorSecret(env({}))).toThrow(/missing or shorter/);
    expect(() => visitorSecret(env({ WM_SECRET: 'short' }))).toThrow(/missing or shorter/);
  });

  it('allows the development secret only in demo mode', () => {
    const dev = 'dev-only-secret-change-me-in-production-0123456789';
    expect(visitorSecret(env({ WM_SECRET: dev, WM_DEMO: '1' }))).toBe(dev);
    expect(() => visitorSecret(env({ WM_SECRET: dev }))).toThrow(/wrangler secret put/);
    expect(visitorSecret(env({ WM_SECRET: 'z'.repeat(40) }))).toBe('z'.repeat(40));
  });
});
