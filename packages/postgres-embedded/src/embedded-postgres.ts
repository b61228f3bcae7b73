import { type ChildProcess, spawn } from 'node:child_process';
import { access, chown, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { readEmbeddedCredentials, newSuperuserPassword, writeEmbeddedCredentials } from './embedded-credentials.js';
import { EmbeddedPostgresSetupError } from './embedded-postgres-errors.js';
import { type PostgresBinaries, reachableBinaries, reachableDataDir, type ServerAccount, serverAccount } from './embedded-postgres-host.js';
import { freePort, portIsFree } from './free-port.js';
import { ensureDatabase, waitForPostgres, withAdminClient, withDatabaseName } from './postgres-admin.js';
import { findLivePostmaster, parsePostmasterPid } from './postmaster-pid.js';
import { withStartLock } from './start-lock.js';

export { EmbeddedPostgresSetupError } from './embedded-postgres-errors.js';

/**
 * The port the embedded server prefers when none is set, so the CLI finds the service's database
 * even before the port is recorded. Off the standard 5432 so it never collides with an installed PostgreSQL.
 */
export const DEFAULT_EMBEDDED_PORT = 54329;

/** The application database created on the embedded server. */
export const DEFAULT_EMBEDDED_DATABASE = 'authsvc';

/** The superuser's password in clusters made by earlier versions of this service; one that still accepts it is locked down at start. */
const LEGACY_PASSWORD = 'postgres';

/** Where and how to run an embedded PostgreSQL. */
export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created and initialised on first use, reused after. */
  readonly dataDir: string;
  /**
   * TCP port on 127.0.0.1, used as given: a port another program holds is an error. When absent,
   * the port recorded in the data directory, else `preferredPort`, else the first free one.
   */
  readonly port?: number | undefined;
  /** The port to try first when `port` is absent and the data directory records none; {@link DEFAULT_EMBEDDED_PORT} when absent. */
  readonly preferredPort?: number;
  /** The application database, created when missing; {@link DEFAULT_EMBEDDED_DATABASE} when absent. */
  readonly database?: string;
  /** The superuser; `postgres` when absent. Its password is random, made at initdb and recorded in the data directory. */
  readonly user?: string;
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
  readonly lines: string[] = [];

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
  database: options.database ?? DEFAULT_EMBEDDED_DATABASE,
  user: options.user ?? 'postgres',
});

const serverUrl = (user: string, password: string, port: number, database: string): string =>
  `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/** Codes of a folder this user cannot create or write. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC']);

/**
 * Makes sure this user can create `dataDir` (and the start lock beside it) and write it, so a
 * wrong DATA_DIR is reported as such rather than as a failure deep in initdb.
 */
async function checkWritable(dataDir: string): Promise<void> {
  try {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await access(path.dirname(dataDir), constants.W_OK);
    if (await exists(dataDir)) await access(dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!UNWRITABLE.has(code)) throw error;
    throw new EmbeddedPostgresSetupError('dataDir', `${dataDir} cannot be created or written by this user (${code})`, { cause: error });
  }
}

/** Starts a PostgreSQL program as `account` (or as this user), feeding its output to `onOutput` a line at a time. */
function runProgram(
  program: string,
  args: readonly string[],
  account: ServerAccount | null,
  onOutput: (text: string) => void,
): ChildProcess {
  const child = spawn(program, args, {
    ...(account ?? {}),
    // English messages whatever the machine's locale, so the log tail reads the same everywhere.
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Line by line: a message split across two chunks must reach the tail as one line.
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onOutput);
  return child;
}

/** Resolves with the exit code of `child`; a program that could not be run at all (EACCES, ENOENT) rejects. */
const exitCode = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });

/** Creates the cluster in `clusterDir` with `password` for the superuser, as `account`. */
async function initdb(
  binaries: PostgresBinaries,
  account: ServerAccount | null,
  clusterDir: string,
  user: string,
  password: string,
  tail: LogTail,
): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  // The password reaches initdb through a file only the server's account can read, never argv.
  const secretDir = await mkdtemp(path.join(tmpdir(), 'authsvc-initdb-'));
  const pwfile = path.join(secretDir, 'pwfile');
  try {
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (account) {
      for (const owned of [clusterDir, secretDir, pwfile]) await chown(owned, account.uid, account.gid);
    }
    const child = runProgram(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${user}`,
        `--pwfile=${pwfile}`,
        '--lc-messages=C',
        // UTF-8 with the builtin provider (PostgreSQL 17+): `lower(email)` then follows Unicode
        // whatever locales the machine has installed, and sorting never depends on glibc's version.
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-instructions',
      ],
      account,
      (text) => tail.push(text),
    );
    const code = await exitCode(child);
    if (code !== 0) {
      const reason = tail.lines.find((line) => line.includes('error:')) ?? `exit code ${code}`;
      throw new EmbeddedPostgresSetupError('dataDir', `initdb failed in ${clusterDir}: ${reason.replace(/^initdb: error: /, '')}`);
    }
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
}

/** Polls `postmaster.pid` until the server says `ready`; rejects when it exits first or after `timeoutMs`. */
async function waitUntilReady(
  clusterDir: string,
  server: ChildProcess,
  exited: Promise<unknown>,
  tail: LogTail,
  timeoutMs = 60_000,
): Promise<void> {
  let gone = false;
  void exited.then(
    () => (gone = true),
    () => (gone = true),
  );
  const deadline = Date.now() + timeoutMs;
  while (!gone && Date.now() < deadline) {
    const info = parsePostmasterPid(await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => ''));
    if (info !== null && info.pid === server.pid && info.status === 'ready') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!gone) server.kill('SIGINT');
  // A program that could not be run at all (EACCES on its folder, say) says so instead of a log.
  const unrunnable = await exited.then(
    () => null,
    (error: Error) => error,
  );
  const what = unrunnable ? `could not be run (${unrunnable.message})` : gone ? 'exited' : `was not ready within ${timeoutMs} ms`;
  throw new Error(`PostgreSQL ${what} in ${clusterDir}:\n${tail.toString()}`);
}

/** Starts `postgres` on `port` and waits until it accepts connections; the returned stop is a fast shutdown. */
async function runServer(
  binaries: PostgresBinaries,
  account: ServerAccount | null,
  clusterDir: string,
  port: number,
  options: EmbeddedPostgresOptions,
  tail: LogTail,
): Promise<() => Promise<void>> {
  const server = runProgram(
    binaries.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in /tmp to collide with another cluster or to clean up after.
      '-c',
      'unix_socket_directories=',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    account,
    (text) => {
      tail.push(text);
      options.onLog?.(text);
    },
  );
  const exited = exitCode(server);
  // A process that exits without stopping its server (an uncaught error) still asks it to stop.
  const stopOnExit = () => server.kill('SIGINT');
  process.once('exit', stopOnExit);
  void exited.finally(() => process.removeListener('exit', stopOnExit)).catch(() => {});
  await waitUntilReady(clusterDir, server, exited, tail);
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
      await exited.catch(() => {});
    })());
}

/**
 * Makes sure the superuser's password is `password`: a cluster made by an older version (or whose
 * rotation was cut short) still has {@link LEGACY_PASSWORD}, which any local user could use.
 */
async function lockDownSuperuser(port: number, user: string, password: string): Promise<void> {
  try {
    await waitForPostgres(serverUrl(user, password, port, 'postgres'));
    return;
  } catch (error) {
    // 28P01: the password was refused.
    if ((error as { code?: string }).code !== '28P01') throw error;
  }
  await withAdminClient(serverUrl(user, LEGACY_PASSWORD, port, 'postgres'), async (client) => {
    await client.query(`alter role ${client.escapeIdentifier(user)} password ${client.escapeLiteral(password)}`);
  });
}

/**
 * Starts PostgreSQL from the binaries of the `embedded-postgres` package in `dataDir`: initialises
 * the cluster when the directory holds none (no `PG_VERSION`) with a random superuser password,
 * reuses it otherwise, clears a stale `postmaster.pid`, and creates the application database when
 * missing. The password and port are recorded in `dataDir` (`authsvc-embedded.json`, mode 0600),
 * so other processes on the same data directory connect. Throws {@link EmbeddedPostgresRunningError}
 * when a live server already owns `dataDir`, {@link EmbeddedPostgresSetupError} when a setting
 * must change. Processes starting the same `dataDir` take turns through a lock file beside it.
 *
 * As root the server runs as a `postgres` system user (created if missing, as PostgreSQL refuses
 * to run as root); when that user cannot enter the folders on the way, the binaries are copied and
 * the cluster kept in `/var/lib/authsvc`, with `dataDir` a link to it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir } = resolved(options);
  await checkWritable(dataDir);
  return withStartLock(dataDir, async () => {
    const running = await findLivePostmaster(dataDir);
    if (running) throw new EmbeddedPostgresRunningError(dataDir, running.pid, running.port);
    return startUnlocked(options);
  });
}

/** Initialises (when needed) and starts the server; the caller holds the start lock and checked that none runs. */
async function startUnlocked(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, database, user } = resolved(options);
  const account = await serverAccount();
  const binaries = await reachableBinaries(account);
  const clusterDir = await reachableDataDir(account, dataDir);
  const tail = new LogTail();
  const recorded = await readEmbeddedCredentials(clusterDir);
  const password = recorded?.password ?? newSuperuserPassword();
  if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) {
    await initdb(binaries, account, clusterDir, user, password, tail);
    await writeEmbeddedCredentials(clusterDir, { password, port: options.port ?? 0 });
  } else if (recorded === null) {
    // Made by an older version: record the password to lock it down with before changing it, so a
    // crash in between leaves the cluster reachable (the legacy password still works then).
    await writeEmbeddedCredentials(clusterDir, { password, port: 0 });
  }

  const { port, stop } = await startOnAFreePort(binaries, account, clusterDir, options, recorded?.port, tail);
  try {
    await lockDownSuperuser(port, user, password);
    await writeEmbeddedCredentials(clusterDir, { password, port });
    await ensureDatabase(serverUrl(user, password, port, 'postgres'), database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: serverUrl(user, password, port, database), port, stop };
}

/**
 * Starts the server on `options.port` (which must be free), or, with none given, on the recorded
 * or preferred port while it is free, else on one the OS picks. A port taken between the check
 * and the server's bind is retried on another, twice, when none was given.
 */
async function startOnAFreePort(
  binaries: PostgresBinaries,
  account: ServerAccount | null,
  clusterDir: string,
  options: EmbeddedPostgresOptions,
  recordedPort: number | undefined,
  tail: LogTail,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const wanted = options.port ?? (recordedPort || undefined) ?? options.preferredPort ?? DEFAULT_EMBEDDED_PORT;
  for (let attempt = 1; ; attempt++) {
    const free = await portIsFree(wanted);
    if (!free && options.port !== undefined) {
      throw new EmbeddedPostgresSetupError('port', `port ${wanted} on 127.0.0.1 is taken by another program`);
    }
    const port = free && attempt === 1 ? wanted : await freePort();
    try {
      return { port, stop: await runServer(binaries, account, clusterDir, port, options, tail) };
    } catch (error) {
      const lostTheRace = options.port === undefined && attempt < 3 && !(await portIsFree(port));
      if (!lostTheRace)
        throw new Error(`PostgreSQL failed to start in ${clusterDir} on port ${port}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Connects to the server already running in the data directory (`url` built from its lock file's port). */
async function connectToRunning(
  options: EmbeddedPostgresOptions,
  running: { pid: number; port: number | null },
): Promise<EmbeddedPostgresConnection> {
  const { dataDir, database, user } = resolved(options);
  // A server started by an earlier version, still running, has recorded nothing yet.
  const password = (await readEmbeddedCredentials(dataDir))?.password ?? LEGACY_PASSWORD;
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
  await checkWritable(dataDir);
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
