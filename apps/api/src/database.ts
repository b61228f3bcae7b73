import { connectOrStartEmbedded, createKysely, migrateToLatest, type Database } from '@authsvc/adapter-postgres';
import { sql, type Kysely } from 'kysely';
import type { ApiConfig } from './config.js';

/** An open database: the Kysely handle, and how to let go of it (and of the embedded server we started). */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or with none to the embedded PostgreSQL in DATA_DIR (started if no
 * other process of ours runs it), and applies pending migrations.
 */
export async function openDatabase(config: ApiConfig, applicationName: string): Promise<OpenDatabase> {
  const embedded = config.DATABASE_URL
    ? null
    : await connectOrStartEmbedded({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT });
  const url = config.DATABASE_URL ?? embedded!.url;
  // A short connect timeout turns an unreachable database into a quick 503, not a hung request.
  const db = createKysely(url, { poolSize: config.DB_POOL_SIZE, connectionTimeoutMillis: 2_000, applicationName });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    db,
    url,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
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
