import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from './client';

/** Where the plain SQL migrations live; `npm run build` copies them next to the compiled runner. */
export const MIGRATIONS_DIR = join(__dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `NNNN_verb_noun.sql` files in version order; refuses stray names and duplicate numbers. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  const seen = new Map<number, string>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE.exec(file);
    if (!match) throw new Error(`Migration file name must be NNNN_verb_noun.sql: ${file}`);
    const version = Number(match[1]);
    const twin = seen.get(version);
    if (twin !== undefined) throw new Error(`Duplicate migration number ${match[1]}: ${twin} and ${file}`);
    seen.set(version, file);
    const sql = readFileSync(join(dir, file), 'utf8');
    migrations.push({
      version,
      name: match[2] ?? '',
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return migrations;
}

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK = 0x1e7e;

/**
 * Applies pending migrations in order inside one transaction, recording them in `schema_migrations`.
 * An advisory lock lets several processes start at once; an edited, already applied file is refused.
 * @returns the versions applied by this call.
 */
export async function migrate(sql: Sql, migrations: Migration[] = readMigrations()): Promise<number[]> {
  return sql.begin(async (tx) => {
    // A migration may rewrite a big table: the pool's statement limit (meant for requests) does not apply.
    await tx`set local statement_timeout = 0`;
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
    const applied = await tx<{ version: number; checksum: string; name: string }[]>`
      select version, checksum, name from schema_migrations order by version`;
    const byVersion = new Map(applied.map((row) => [row.version, row]));
    const done: number[] = [];
    for (const migration of migrations) {
      const previous = byVersion.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.file} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      // One transaction for the whole run: a failing file names itself and nothing of the run stays.
      try {
        await tx.unsafe(migration.sql);
      } catch (error) {
        throw new Error(`Migration ${migration.file} failed: ${(error as Error).message}`, { cause: error });
      }
      await tx`insert into schema_migrations ${tx({ version: migration.version, name: migration.name, checksum: migration.checksum })}`;
      done.push(migration.version);
    }
    return done;
  });
}
