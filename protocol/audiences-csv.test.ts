import { describe, expect, it } from 'vitest';
import { csvCell, csvRecord, parseCsv } from './audiences-csv';
import { createImportBodySchema, exportQuerySchema, importHeaderSchema, importUserIdSchema, membersQuerySchema, rowTraits } from './audiences';

describe('CSV out', () => {
  it('quotes cells with commas, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvRecord(['u1', 'gold'])).toBe('u1,gold\r\n');
  });

  it('defuses formulas: = + - @ tab and CR starts get an apostrophe', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1234')).toBe("'+1234");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('CSV in', () => {
  it('reads quoted cells, CRLF and LF, a BOM, and skips blank lines', () => {
    const text = '\ufeffuser_id,plan,note\r\nu1,gold,"a, b"\n\nu2,silver,"say ""hi""\nnext line"\r\n';
    expect(parseCsv(text)).toEqual({
      ok: true,
      records: [
        ['user_id', 'plan', 'note'],
        ['u1', 'gold', 'a, b'],
        ['u2', 'silver', 'say "hi"\nnext line'],
      ],
    });
    expect(parseCsv('a,b\nc,')).toEqual({
      ok: true,
      records: [
        ['a', 'b'],
        ['c', ''],
      ],
    });
  });

  it('refuses a quote left open', () => {
    expect(parseCsv('user_id,plan\nu1,"gold')).toEqual({ ok: false, error: 'a quoted cell is never closed (from line 2)' });
  });

  it('round-trips what the export writes', () => {
    const cells = ['u,1', 'x"y', 'line\nbreak', 'ok'];
    const parsed = parseCsv(csvRecord(cells));
    expect(parsed).toEqual({ ok: true, records: [cells] });
  });
});

describe('audience schemas', () => {
  it('header: user_id first, trait names valid and unique', () => {
    expect(importHeaderSchema.safeParse(['user_id', 'plan']).success).toBe(true);
    const issues = (h: string[]) => importHeaderSchema.safeParse(h).error?.issues.map((i) => i.message) ?? [];
    expect(issues(['email', 'plan'])).toEqual(['the first column must be user_id']);
    expect(issues(['user_id'])).toEqual(['the header needs user_id and at least one trait']);
    expect(issues(['user_id', 'plan', 'plan'])).toEqual(['trait "plan" twice']);
    expect(issues(['user_id', ''])).toEqual(['trait name: empty']);
  });

  it('user ids: identify’s shape, no control characters or padding', () => {
    expect(importUserIdSchema.safeParse('user-42').success).toBe(true);
    expect(importUserIdSchema.safeParse('').success).toBe(false);
    expect(importUserIdSchema.safeParse(' u1').success).toBe(false);
    expect(importUserIdSchema.safeParse('u\u00011').success).toBe(false);
    expect(importUserIdSchema.safeParse('x'.repeat(201)).success).toBe(false);
  });

  it('row traits: empty cells set nothing; values are strings', () => {
    expect(rowTraits(['user_id', 'plan', 'city'], ['u1', 'gold', ''])).toEqual({ ok: true, traits: { plan: 'gold' } });
  });

  it('queries: defaults, limits and trait lists', () => {
    expect(membersQuerySchema.parse({})).toEqual({ limit: 500 });
    expect(membersQuerySchema.parse({ limit: '20', traits: 'plan, email', cursor: '1:abc' })).toEqual({
      limit: 20,
      traits: ['plan', 'email'],
      cursor: '1:abc',
    });
    expect(membersQuerySchema.safeParse({ limit: '5000' }).success).toBe(false);
    expect(membersQuerySchema.safeParse({ cursor: 'x' }).success).toBe(false);
    expect(exportQuerySchema.parse({})).toEqual({ format: 'csv' });
    expect(exportQuerySchema.safeParse({ format: 'xlsx' }).error?.issues[0]?.message).toBe('format must be csv, json or jsonl');
    expect(createImportBodySchema.safeParse({ name: 'a.csv', sha256: 'a'.repeat(64), header: ['user_id', 'plan'], totalRows: 0 }).success).toBe(false);
  });
});
