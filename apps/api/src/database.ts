import { openDatabase, type Database, type OpenDatabase } from '@authsvc/adapter-postgres';
import { openDatabaseServer } from '@authsvc/postgres-embedded';
import { sql, type Kysely } from 'kysely';
import type { ApiConfig } from './config.js';

/**
 * Opens the API's database from its configuration: DATABASE_URL, or the embedded PostgreSQL in
 * DATA_DIR. A short connect timeout turns an unreachable database into a quick 503, not a hung request.
 */
export async function openApiDatabase(config: ApiConfig, applicationName: string): Promise<OpenDatabase> {
  const server = await openDatabaseServer({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    embeddedPort: config.EMBEDDED_PG_PORT,
  });
  return openDatabase(server, { poolSize: config.DB_POOL_SIZE, applicationName, connectionTimeoutMillis: 2_000 });
}

/** True when the database answers a trivial query within a second. */
export async function databaseIsReachable(db: Kysely<Database>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 1_000);
  });
  const probe = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
