import { describe, expect, it } from 'vitest';
import { sessionGrant, teamChangeRefusal, type TeamMember } from './team-rules';

const team: TeamMember[] = [
  { name: 'ana@example.com', role: 'admin' },
  { name: 'ed', role: 'editor' },
  { name: 'vi', role: 'viewer' },
];

describe('team rules', () => {
  it('refuses a change to a user that does not exist', () => {
    expect(teamChangeRefusal(team, { kind: 'remove', name: 'nobody' }, 'ana@example.com', true)).toMatchObject({ status: 404 });
  });

  it('nobody raises their own role, but may lower it', () => {
    expect(teamChangeRefusal(team, { kind: 'set-role', name: 'ed', role: 'publisher' }, 'ed', true)).toMatchObject({
      status: 403,
      reason: /raise your own role/,
    });
    expect(teamChangeRefusal(team, { kind: 'set-role', name: 'ed', role: 'viewer' }, 'ed', true)).toBeNull();
    expect(teamChangeRefusal(team, { kind: 'set-role', name: 'ed', role: 'publisher' }, 'ana@example.com', true)).toBeNull();
  });

  it('the last admin who can sign in is neither removed nor demoted', () => {
    // No built-in admin (Access-only): ana is the last admin.
    expect(teamChangeRefusal(team, { kind: 'remove', name: 'ana@example.com' }, 'ana@example.com', false)).toMatchObject({ status: 409, reason: /last admin/ });
    expect(teamChangeRefusal(team, { kind: 'set-role', name: 'ana@example.com', role: 'publisher' }, 'ana@example.com', false)).toMatchObject({ status: 409 });
    expect(teamChangeRefusal(team, { kind: 'set-role', name: 'ana@example.com', role: 'admin' }, 'ana@example.com', false)).toBeNull();
    // With a second admin, or with the built-in admin signing in, she may go.
    expect(teamChangeRefusal([...team, { name: 'bo', role: 'admin' }], { kind: 'remove', name: 'ana@example.com' }, 'bo', false)).toBeNull();
    expect(teamChangeRefusal(team, { kind: 'remove', name: 'ana@example.com' }, null, true)).toBeNull();
    // Non-admins are never protected by the rule.
    expect(teamChangeRefusal(team, { kind: 'remove', name: 'vi' }, 'ana@example.com', false)).toBeNull();
  });
});

describe('sessionGrant', () => {
  const on = { on: true, defaultRole: 'admin' as const };
  const ed = { id: 'usr_1', role: 'editor' as const, sites: ['shop'] };

  it('the built-in admin (and a session from before the team) is an admin', () => {
    expect(sessionGrant({ user: 'admin', via: 'built-in', userId: null }, null, on)).toEqual({ ok: true, name: 'admin', role: 'admin', sites: null });
    expect(sessionGrant({ user: 'admin' }, null, on)).toMatchObject({ ok: true, role: 'admin' });
  });

  it('a team user gets the role stored now, and a removed one (or a namesake added later) is refused', () => {
    expect(sessionGrant({ user: 'ed', via: 'password', userId: 'usr_1' }, ed, on)).toEqual({ ok: true, name: 'ed', role: 'editor', sites: ['shop'] });
    expect(sessionGrant({ user: 'ed', via: 'password', userId: 'usr_1' }, { ...ed, role: 'viewer' }, on)).toMatchObject({ role: 'viewer' });
    expect(sessionGrant({ user: 'ed', via: 'password', userId: 'usr_1' }, null, on)).toMatchObject({ ok: false, reason: /no longer on the team/ });
    expect(sessionGrant({ user: 'ed', via: 'password', userId: 'usr_1' }, { ...ed, id: 'usr_2' }, on)).toMatchObject({ ok: false });
  });

  it('an Access email: its user role, else the default role, else refused', () => {
    const mail = { user: 'm@example.com', via: 'access' as const, userId: null };
    expect(sessionGrant(mail, { ...ed, sites: null }, on)).toMatchObject({ ok: true, role: 'editor' });
    expect(sessionGrant(mail, null, on)).toMatchObject({ ok: true, role: 'admin' });
    expect(sessionGrant(mail, null, { on: true, defaultRole: 'viewer' })).toMatchObject({ ok: true, role: 'viewer' });
    expect(sessionGrant(mail, null, { on: true, defaultRole: null })).toMatchObject({ ok: false, reason: /no team user has the email/ });
    expect(sessionGrant(mail, null, { on: false, defaultRole: 'admin' })).toMatchObject({ ok: false });
    // An email whose user row was removed after the login is refused even with a default role.
    expect(sessionGrant({ ...mail, userId: 'usr_1' }, null, on)).toMatchObject({ ok: false });
  });
});
