import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readFile, realpath, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresSetupError } from './embedded-postgres-errors.js';

/**
 * Where root keeps what the `postgres` user must reach when the clone sits in a folder that user
 * cannot enter (root's 0700 home): a copy of the server binaries, and the clusters of such data
 * directories, each linked from its DATA_DIR.
 */
export const SHARED_DIR = '/var/lib/authsvc';

/** The system account the server runs as when this process is root (PostgreSQL refuses root). */
export interface ServerAccount {
  readonly uid: number;
  readonly gid: number;
}

/** Paths of the PostgreSQL programs. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

const run = promisify(execFile);

/** The `postgres` account to run the server as when this process is root, created when missing; null otherwise. */
export async function serverAccount(): Promise<ServerAccount | null> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return lookup();
  }
}

/** True when `account` can reach `target` and use it (`test -x`: run a program, or enter a folder). */
export async function canReach(account: ServerAccount, target: string): Promise<boolean> {
  const child = spawn('/bin/sh', ['-c', 'test -x "$1"', 'sh', target], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** A folder of PostgreSQL binaries (`bin`, `lib`, `share`) and the version they are. */
export interface BinariesSource {
  readonly nativeDir: string;
  readonly version: string;
}

/** The binaries of the platform package that `embedded-postgres` installed. */
export async function installedBinaries(): Promise<BinariesSource> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  // The platform package is embedded-postgres' dependency, so resolve it from there.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${platform}-${os.arch()}`);
  const packageDir = path.dirname(path.dirname(entry));
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: path.join(packageDir, 'native'), version };
}

const programs = (nativeDir: string): PostgresBinaries => ({
  initdb: path.join(nativeDir, 'bin', 'initdb'),
  postgres: path.join(nativeDir, 'bin', 'postgres'),
});

/**
 * The PostgreSQL binaries, where `account` can run them: the installed ones (or `source`), or,
 * when they sit in a folder it cannot enter, a copy in `sharedDir`, made once per version and
 * readable by all.
 */
export async function reachableBinaries(
  account: ServerAccount | null,
  source?: BinariesSource,
  sharedDir = SHARED_DIR,
): Promise<PostgresBinaries> {
  const { nativeDir, version } = source ?? (await installedBinaries());
  const installed = programs(nativeDir);
  if (account === null || (await canReach(account, installed.initdb))) return installed;
  const copy = path.join(sharedDir, `postgres-${version}-${os.platform()}-${os.arch()}`);
  if (await canReach(account, programs(copy).initdb)) return programs(copy);
  await mkdir(sharedDir, { recursive: true, mode: 0o755 });
  const partial = `${copy}.${process.pid}.tmp`;
  await rm(partial, { recursive: true, force: true });
  // verbatimSymlinks: the libraries' version links stay relative, as the package made them.
  await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  try {
    await rename(partial, copy);
  } catch (error) {
    // Another process copied them first: theirs is as good.
    await rm(partial, { recursive: true, force: true });
    if (!(await canReach(account, programs(copy).initdb))) throw error;
  }
  return programs(copy);
}

/**
 * The folder to run the cluster of `dataDir` in, as `account` can enter it: `dataDir` itself, or,
 * when `account` cannot enter its parent (a clone in root's 0700 home), a folder in
 * {@link SHARED_DIR} that `dataDir` becomes a symbolic link to. Returns the real path.
 */
export async function reachableDataDir(account: ServerAccount | null, dataDir: string): Promise<string> {
  if (account === null || (await canReach(account, path.dirname(dataDir)))) return realpathOr(dataDir);
  const existing = await lstat(dataDir).catch(() => null);
  if (existing?.isSymbolicLink()) return realpath(dataDir);
  const shared = path.join(SHARED_DIR, 'clusters', createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
  await mkdir(path.dirname(shared), { recursive: true, mode: 0o755 });
  await mkdir(shared, { recursive: true, mode: 0o700 });
  // An empty folder (made by hand, say) gives way to the link; one with files in it stays as it is.
  if (existing) {
    await rmdir(dataDir).catch(() => {
      throw new EmbeddedPostgresSetupError('dataDir', `the postgres user cannot enter the folder of ${dataDir}, which already holds files`);
    });
  }
  await symlink(shared, dataDir);
  return shared;
}

/** The real path of `dir`, or `dir` when it does not exist yet. */
const realpathOr = (dir: string): Promise<string> => realpath(dir).catch(() => dir);
