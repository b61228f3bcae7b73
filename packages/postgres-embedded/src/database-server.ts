import { ConfigError } from '@authsvc/runtime';
import { connectOrStartEmbedded, EmbeddedPostgresSetupError } from './embedded-postgres.js';

/** Where the database is: an existing server's URL, or the embedded one of a data directory. */
export interface DatabaseLocation {
  /** `postgres://` URL of an existing server; when absent (or empty), the embedded server is used. */
  readonly databaseUrl?: string | undefined;
  /** Data directory of the embedded server. */
  readonly dataDir: string;
  /** Port of the embedded server; when absent, the one recorded in the data directory, 54329, or a free one. */
  readonly embeddedPort?: number | undefined;
}

/** A database server to connect to, and how to let go of it once its pool is closed. */
export interface DatabaseServer {
  /** Connection URL of the application database. */
  readonly url: string;
  /** Stops the embedded server if this process started it; does nothing otherwise. */
  stop(): Promise<void>;
}

/** The setting that fixes each embedded start-up problem, and how: every process reads the same variables. */
const FIXES: Readonly<Record<EmbeddedPostgresSetupError['setting'], string>> = {
  dataDir: 'DATA_DIR: {problem}; set DATA_DIR to a new or empty folder this user can write',
  port: 'EMBEDDED_PG_PORT: {problem}; set EMBEDDED_PG_PORT to a free port, or leave it unset to have one picked',
};

/** The embedded server of the location, its start-up problems told as the variable to change (a {@link ConfigError}). */
async function embeddedServer(location: DatabaseLocation): Promise<DatabaseServer> {
  try {
    return await connectOrStartEmbedded({ dataDir: location.dataDir, port: location.embeddedPort });
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresSetupError)) throw error;
    throw new ConfigError(FIXES[error.setting].replace('{problem}', error.message), { cause: error });
  }
}

/**
 * The server of `databaseUrl`, or with none the embedded PostgreSQL of `dataDir` (started if no
 * other process runs it): the one choice every composition root (API, worker, CLI) makes the same way.
 */
export async function openDatabaseServer(location: DatabaseLocation): Promise<DatabaseServer> {
  if (location.databaseUrl) return { url: location.databaseUrl, stop: async () => {} };
  return embeddedServer(location);
}
