import type { Kysely } from 'kysely';
import { createKysely } from './create-kysely.js';
import type { Database } from './database.js';
import { connectOrStartEmbedded } from './embedded-postgres.js';
import { migrateToLatest } from './migrate-to-latest.js';

/** Where the database is: an existing server's URL, or the embedded one of a data directory. */
export interface DatabaseLocation {
  /** `postgres://` URL of an existing server; when absent, the embedded server is used. */
  readonly databaseUrl?: string | undefined;
  /** Data directory of the embedded server. */
  readonly dataDir: string;
  /** Port of the embedded server. */
  readonly embeddedPort: number;
  /** Connections in the pool. */
  readonly poolSize: number;
  /** Shown in `pg_stat_activity`, to tell the API, worker and CLI apart. */
  readonly applicationName: string;
  /** Milliseconds to wait for a connection before failing. */
  readonly connectionTimeoutMillis?: number;
}

/** An open, migrated database, and how to let go of it (and of the embedded server it started). */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly url: string;
  /** Closes the pool, then stops the embedded server if this process started it. */
  close(): Promise<void>;
}

/**
 * Connects to `databaseUrl`, or with none to the embedded PostgreSQL of `dataDir` (started if no
 * other process runs it), and applies pending migrations: whichever process starts first (API,
 * worker or CLI) finds the schema it needs.
 */
export async function openDatabase(location: DatabaseLocation): Promise<OpenDatabase> {
  const embedded = location.databaseUrl
    ? null
    : await connectOrStartEmbedded({ dataDir: location.dataDir, port: location.embeddedPort });
  const url = location.databaseUrl ?? embedded!.url;
  const db = createKysely(url, {
    poolSize: location.poolSize,
    applicationName: location.applicationName,
    ...(location.connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis: location.connectionTimeoutMillis }),
  });
  const close = async () => {
    await db.destroy();
    await embedded?.stop();
  };
  try {
    await migrateToLatest(db);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, url, close };
}
