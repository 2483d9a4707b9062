// `npm run migrate` / `node dist/src/db/migrate-cli.js`: applies pending migrations to DATABASE_URL and exits.
import { createSql } from './client';
import { migrate } from './migrate';
import { createLogger } from '../logger';

async function main(): Promise<void> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info').child({ module: 'migrate' });
  const url = process.env.DATABASE_URL;
  if (!url) {
    logger.fatal('DATABASE_URL is required');
    process.exit(2);
  }
  const sql = createSql(url, { max: 1 });
  try {
    const applied = await migrate(sql);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database is up to date');
  } finally {
    await sql.end();
  }
}

main().catch((error: unknown) => {
  createLogger('error').fatal({ err: error }, 'migration failed');
  process.exit(1);
});
