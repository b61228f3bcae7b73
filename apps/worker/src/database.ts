import { connectOrStartEmbedded, createKysely, migrateToLatest, type Database } from '@authsvc/adapter-postgres';
import type { Kysely } from 'kysely';
import type { WorkerConfig } from './config.js';

/** The worker's database handle, and how to let go of it (and of an embedded server it started). */
export interface WorkerDatabase {
  /** A pool of DB_POOL_SIZE connections, migrated. */
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or with none to the embedded PostgreSQL in DATA_DIR that `pnpm start`
 * runs (started here if it is not running), and applies pending migrations: the worker may start
 * before the API, and the audit log table must exist either way.
 */
export async function openWorkerDatabase(config: WorkerConfig): Promise<WorkerDatabase> {
  const embedded = config.DATABASE_URL
    ? null
    : await connectOrStartEmbedded({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT });
  const url = config.DATABASE_URL ?? embedded!.url;
  const db = createKysely(url, { poolSize: config.DB_POOL_SIZE, applicationName: 'authsvc-worker' });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    db,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
