import type { Kysely } from 'kysely';
import { createKysely } from './create-kysely.js';
import type { Database } from './database.js';
import { migrateToLatest } from './migrate-to-latest.js';

/**
 * The server's database to open, and how to let go of what it came from. Declared here rather
 * than imported, so the adapter knows nothing of how the server was found: an embedded one
 * (`@authsvc/postgres-embedded`), a test database, or a plain `DATABASE_URL`.
 */
export interface DatabaseServer {
  /** `postgres://` URL of the database. */
  readonly url: string;
  /** Called once the pool is closed: stops a server this process started, drops a test database, or does nothing. */
  stop(): Promise<void>;
}

/** How to open a {@link DatabaseServer}'s database. */
export interface OpenDatabaseOptions {
  /** Connections in the pool. */
  readonly poolSize: number;
  /** Shown in `pg_stat_activity`, to tell the API, worker and CLI apart. */
  readonly applicationName: string;
  /** Milliseconds to wait for a connection before failing. */
  readonly connectionTimeoutMillis?: number;
}

/** An open, migrated database, and how to let go of it (and of the server it came from). */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly url: string;
  /** Closes the pool, then the server's `stop()`. */
  close(): Promise<void>;
}

/**
 * Connects to `server`'s database and applies pending migrations: whichever process starts first
 * (API, worker or CLI) finds the schema it needs. When the migrations fail, the server is let go.
 */
export async function openDatabase(server: DatabaseServer, options: OpenDatabaseOptions): Promise<OpenDatabase> {
  const db = createKysely(server.url, {
    poolSize: options.poolSize,
    applicationName: options.applicationName,
    ...(options.connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis: options.connectionTimeoutMillis }),
  });
  const close = async () => {
    await db.destroy();
    await server.stop();
  };
  try {
    await migrateToLatest(db);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, url: server.url, close };
}
