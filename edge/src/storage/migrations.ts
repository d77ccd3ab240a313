/**
 * Applies a Durable Object's SQL migrations in order, each once (the applied count is kept in
 * `schema_version`; PRAGMA user_version is not allowed in Durable Object SQL). Append new entries;
 * never edit a shipped one.
 */
export function applyMigrations(sql: SqlStorage, migrations: readonly string[]): void {
  sql.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const applied = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version').one().v ?? 0;
  migrations.slice(applied).forEach((migration, i) => {
    sql.exec(migration);
    sql.exec('INSERT INTO schema_version (version) VALUES (?)', applied + i + 1);
  });
}

/**
 * A Durable Object's SQLite, migrated on first use: every object class (and the store module that
 * owns its tables) reads `sql` through one of these instead of keeping its own "schema ready" flag.
 */
export class MigratedSql {
  private ready = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly migrations: readonly string[],
  ) {}

  get sql(): SqlStorage {
    if (!this.ready) {
      applyMigrations(this.storage.sql, this.migrations);
      this.ready = true;
    }
    return this.storage.sql;
  }

  /** After `deleteAll()`: the next use migrates from an empty database again. */
  reset(): void {
    this.ready = false;
  }
}
