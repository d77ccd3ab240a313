import { describe, expect, it } from 'vitest';
import { allows, cannotSave, TAB_WRITE_NEEDS } from './permission';

describe('dashboard permissions', () => {
  it('orders read < write < publish < admin', () => {
    expect(allows('read', 'write')).toBe(false);
    expect(allows('write', 'write')).toBe(true);
    expect(allows('publish', 'write')).toBe(true);
    expect(allows('write', 'publish')).toBe(false);
    expect(allows('admin', 'publish')).toBe(true);
  });
  it('a viewer cannot save items, an editor cannot save settings, a publisher can both', () => {
    const me = (role: 'viewer' | 'editor' | 'publisher', permission: 'read' | 'write' | 'publish') => ({ user: 'x', role, permission });
    expect(cannotSave(me('viewer', 'read'), TAB_WRITE_NEEDS.segments!)).toMatch(/viewer.*write permission/);
    expect(cannotSave(me('editor', 'write'), TAB_WRITE_NEEDS.segments!)).toBeNull();
    expect(cannotSave(me('editor', 'write'), TAB_WRITE_NEEDS.settings!)).toMatch(/editor.*publish permission/);
    expect(cannotSave(me('publisher', 'publish'), TAB_WRITE_NEEDS.settings!)).toBeNull();
  });
});
