// `npm run verify-forgotten -- --account <id> --identifiers a@b.test,+4912… [--logs file1,file2]`
// Prints every place the identifiers still appear (database, the tenant's spam model when MASTER_KEY is set,
// Temporal histories, logs); exits 1 when any does.
import { createSql } from '../db/client';
import { createTemporalClient } from '../temporal/client';
import { findIdentifiers } from '../verify/forgotten';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const identifiers = (option('identifiers') ?? '').split(',').filter((s) => s.trim() !== '');
  const databaseUrl = process.env.DATABASE_URL;
  if (identifiers.length === 0 || !databaseUrl) {
    console.error(
      'usage: DATABASE_URL=… [TEMPORAL_ADDRESS=…] [MASTER_KEY=…] npm run verify-forgotten -- [--account <id>] --identifiers a,b [--logs f1,f2]',
    );
    process.exit(2);
  }
  const masterKey = process.env.MASTER_KEY ? Buffer.from(process.env.MASTER_KEY, 'base64') : undefined;
  const sql = createSql(databaseUrl, { max: 2 });
  const temporal = process.env.TEMPORAL_ADDRESS
    ? createTemporalClient(process.env.TEMPORAL_ADDRESS, process.env.TEMPORAL_NAMESPACE ?? 'default')
    : undefined;
  try {
    const hits = await findIdentifiers({
      sql,
      identifiers,
      ...(option('account') ? { accountId: option('account') } : {}),
      ...(temporal ? { temporal: temporal.client } : {}),
      ...(masterKey ? { masterKey } : {}),
      logFiles: (option('logs') ?? '').split(',').filter((s) => s !== ''),
    });
    // The identifiers are the operator's own input; hits name places, never row contents.
    for (const hit of hits) console.log(`${hit.where}\t${hit.location}\t${hit.ref}\t${hit.identifier}`);
    console.log(hits.length === 0 ? 'nothing found: forgotten' : `${hits.length} hit(s)`);
    process.exitCode = hits.length === 0 ? 0 : 1;
  } finally {
    await sql.end();
    await temporal?.connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`verify-forgotten: ${(error as Error).message}`);
  process.exit(2);
});
