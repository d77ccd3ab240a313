import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hashPassword, parsePasswordHash, PBKDF2_ITERATIONS, verifyPassword } from './password';

const script = fileURLToPath(new URL('../../../scripts/admin-hash.mjs', import.meta.url));

describe('admin password hashes (PBKDF2-SHA-256)', () => {
  it('hashes in the documented format and verifies only the right password', async () => {
    const encoded = await hashPassword('correct horse');
    expect(encoded).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const stored = parsePasswordHash(encoded);
    expect(stored.iterations).toBe(PBKDF2_ITERATIONS);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsE', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('verifies what scripts/admin-hash.mjs prints, from argv and from stdin', async () => {
    const fromArgv = execFileSync('node', [script, 'waymark-demo'], { encoding: 'utf8' }).trim();
    const fromStdin = execFileSync('node', [script], { input: 'waymark-demo\n', encoding: 'utf8' }).trim();
    for (const encoded of [fromArgv, fromStdin]) {
      expect(await verifyPassword('waymark-demo', parsePasswordHash(encoded))).toBe(true);
      expect(await verifyPassword('waymark-demo\n', parsePasswordHash(encoded))).toBe(false);
    }
  });

  it('refuses malformed or weak hashes with a reason', () => {
    expect(() => parsePasswordHash('plain')).toThrow(/pbkdf2-sha256/);
    expect(() => parsePasswordHash('pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43))).toThrow(/iterations/);
    expect(() => parsePasswordHash('pbkdf2-sha256$100000$AAAA$' + 'A'.repeat(43))).toThrow(/salt/);
    expect(() => parsePasswordHash('pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAA')).toThrow(/hash/);
    expect(() => parsePasswordHash('pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$' + '!'.repeat(43))).toThrow(/hash/);
  });

  it('compares in constant time over the longer input', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
  });
});
