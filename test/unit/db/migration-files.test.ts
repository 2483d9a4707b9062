import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR, readMigrations } from '../../../src/db/migrate';

describe('readMigrations', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-migrations-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('finds the project migrations with unique, increasing numbers', () => {
    const migrations = readMigrations(MIGRATIONS_DIR);
    expect(migrations.length).toBeGreaterThan(0);
    const versions = migrations.map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  it('refuses two files with the same number', () => {
    const dir = scratch();
    writeFileSync(join(dir, '0001_create_a.sql'), 'select 1;');
    writeFileSync(join(dir, '0001_create_b.sql'), 'select 1;');
    expect(() => readMigrations(dir)).toThrow(/Duplicate migration number 0001/);
  });

  it('refuses a file that does not follow NNNN_verb_noun.sql', () => {
    const dir = scratch();
    writeFileSync(join(dir, '1_Create.sql'), 'select 1;');
    expect(() => readMigrations(dir)).toThrow(/NNNN_verb_noun/);
  });
});
