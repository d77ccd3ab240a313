import { describe, expect, it } from 'vitest';
import { planImport, sha256Hex, traitList } from './model';

describe('audiences screen model', () => {
  it('reads the trait list', () => {
    expect(traitList(' plan, email,,plan ')).toEqual(['plan', 'email']);
    expect(traitList('')).toEqual([]);
  });

  it('plans an import in chunks with data row numbers from 1', () => {
    const text = 'user_id,plan\n' + Array.from({ length: 5 }, (_, i) => `u${i + 1},gold`).join('\n');
    const planned = planImport(text, 2);
    expect(planned.ok && planned.plan.totalRows).toBe(5);
    expect(planned.ok && planned.plan.chunks.map((c) => [c.firstRow, c.rows.length])).toEqual([
      [1, 2],
      [3, 2],
      [5, 1],
    ]);
  });

  it('refuses a file that cannot be an import', () => {
    expect(planImport('')).toEqual({ ok: false, error: 'the file is empty' });
    expect(planImport('email,plan\na,b')).toEqual({ ok: false, error: 'the first column must be user_id (it is "email")' });
    expect(planImport('user_id\nu1')).toEqual({ ok: false, error: 'the header needs at least one trait after user_id' });
    expect(planImport('user_id,plan\n')).toEqual({ ok: false, error: 'the file has a header but no rows' });
    expect(planImport('user_id,plan\nu1,"gold')).toEqual({ ok: false, error: 'a quoted cell is never closed (from line 2)' });
  });

  it('hashes the file like the API test does', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
