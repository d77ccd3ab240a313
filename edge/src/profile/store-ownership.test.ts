/**
 * profile/store/ owns every table of the visitor object: no other file in edge/src runs SQL that
 * names one of them. The table names come from the migrations themselves. The other objects
 * (AdminStore, SiteAnalytics) keep their own tables; a name one of them also creates (`events`,
 * `meta`, …) cannot be told apart by name, so it is left out of the check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './store/schema';

const SRC = join(__dirname, '..');
const STORE = join(__dirname, 'store');

const CREATED = /CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi;
const createdIn = (sql: string) => [...sql.matchAll(CREATED)].map((m) => m[1]!);
const visitorTables = [...new Set(MIGRATIONS.flatMap(createdIn))];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === STORE ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** SQL text a file runs: every string or template literal in it that reads like a statement on a table. */
function sqlStatements(source: string): string[] {
  const literals = [...source.matchAll(/`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g)].map((m) => m[0]);
  return literals.filter((text) => /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b[\s\S]*\b(FROM|INTO|TABLE|SET)\b/i.test(text));
}

const namesTable = (statement: string, table: string) => new RegExp(`\\b(FROM|INTO|UPDATE|JOIN|TABLE)\\s+${table}\\b`, 'i').test(statement);

/** Tables the other Durable Objects create (their schema is theirs): same-named visitor tables are not checked. */
const otherTables = () => new Set(sourceFiles(SRC).flatMap((file) => createdIn(readFileSync(file, 'utf8'))));

describe('the visitor store owns its tables', () => {
  it('finds the visitor tables in the migrations', () => {
    expect(visitorTables).toEqual(expect.arrayContaining(['events', 'meta', 'segments', 'journey_state', 'webhook_outbox', 'linked_visitors']));
  });

  it('no file outside profile/store/ runs SQL on a visitor table', () => {
    const others = otherTables();
    const checked = visitorTables.filter((table) => !others.has(table) && table !== 'schema_version');
    expect(checked).toEqual(expect.arrayContaining(['segments', 'traits', 'journey_state', 'webhook_outbox', 'linked_visitors', 'inactivity_due']));
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const source = readFileSync(file, 'utf8');
      if (!/\.exec\s*[<(]|\bsql\b/.test(source)) continue;
      for (const statement of sqlStatements(source)) {
        for (const table of checked) {
          if (namesTable(statement, table)) offenders.push(`${relative(SRC, file)}: ${table}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('would catch a visitor table written from elsewhere', () => {
    const statement = sqlStatements("sql.exec('INSERT INTO journey_grants (message) VALUES (?)', id)")[0] ?? '';
    expect(namesTable(statement, 'journey_grants')).toBe(true);
  });
});
