import { ConfigError } from '@authsvc/runtime';
import type { Kysely } from 'kysely';
import { createKysely } from './create-kysely.js';
import type { Database } from './database.js';
import { connectOrStartEmbedded, EmbeddedPostgresSetupError } from './embedded-postgres.js';
import { migrateToLatest } from './migrate-to-latest.js';

/** Where the database is: an existing server's URL, or the embedded one of a data directory. */
export interface DatabaseLocation {
  /** `postgres://` URL of an existing server; when absent, the embedded server is used. */
  readonly databaseUrl?: string | undefined;
  /** Data directory of the embedded server. */
  readonly dataDir: string;
  /** Port of the embedded server; when absent, the one recorded in the data directory, 54329, or a free one. */
  readonly embeddedPort?: number | undefined;
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

/** The setting that fixes each embedded start-up problem, and how: every process reads the same variables. */
const FIXES: Readonly<Record<EmbeddedPostgresSetupError['setting'], string>> = {
  dataDir: 'DATA_DIR: {problem}; set DATA_DIR to a new or empty folder this user can write',
  port: 'EMBEDDED_PG_PORT: {problem}; set EMBEDDED_PG_PORT to a free port, or leave it unset to have one picked',
};

/** The embedded server of the location, its start-up problems told as the variable to change (a {@link ConfigError}). */
async function embeddedServer(location: DatabaseLocation) {
  try {
    return await connectOrStartEmbedded({ dataDir: location.dataDir, port: location.embeddedPort });
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresSetupError)) throw error;
    throw new ConfigError(FIXES[error.setting].replace('{problem}', error.message), { cause: error });
  }
}

/**
 * Connects to `databaseUrl`, or with none to the embedded PostgreSQL of `dataDir` (started if no
 * other process runs it), and applies pending migrations: whichever process starts first (API,
 * worker or CLI) finds the schema it needs.
 */
export async function openDatabase(location: DatabaseLocation): Promise<OpenDatabase> {
  const embedded = location.databaseUrl ? null : await embeddedServer(location);
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
