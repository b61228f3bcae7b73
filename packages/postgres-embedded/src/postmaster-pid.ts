import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/** What `postmaster.pid` says about the server that owns a data directory. */
export interface PostmasterInfo {
  readonly pid: number;
  readonly port: number | null;
  /** `starting`, `ready`, `stopping` or `standby`; null while the file is still being written. */
  readonly status: string | null;
}

/**
 * Parses `postmaster.pid`. Its lines are fixed by PostgreSQL (`pidfile.h`): 1 pid, 2 data
 * directory, 3 start time, 4 port, 5 socket directory, 6 listen address, 7 shared memory key,
 * 8 status. Returns null when even the pid is unreadable.
 */
export function parsePostmasterPid(text: string): PostmasterInfo | null {
  const lines = text.split('\n').map((line) => line.trim());
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const port = Number.parseInt(lines[3] ?? '', 10);
  return { pid, port: Number.isInteger(port) && port > 0 ? port : null, status: lines[7] || null };
}

/** True when a process with this pid exists, even one we may not signal. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is a live PostgreSQL server. After a reboot or in a container the pid of a dead
 * server is soon reused by an unrelated process, so on Linux the command line is checked too;
 * elsewhere a live pid is taken at its word.
 */
async function isLivePostgres(pid: number): Promise<boolean> {
  if (!processExists(pid)) return false;
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true;
  }
  const executable = path.basename(cmdline.split('\0')[0] ?? '');
  // Backends rename themselves ("postgres: checkpointer"), so only the start of argv[0] counts.
  return executable.startsWith('postgres') || executable.startsWith('postmaster');
}

/**
 * The live server that owns `dataDir`, or null. A `postmaster.pid` left by a server that died
 * (killed, power lost) is deleted, since a reused pid would make PostgreSQL refuse to start.
 */
export async function findLivePostmaster(dataDir: string): Promise<PostmasterInfo | null> {
  const file = path.join(dataDir, 'postmaster.pid');
  let info: PostmasterInfo | null = null;
  // A starting server creates the file before writing it: give an empty file a moment to fill.
  for (let attempt = 0; attempt < 10 && info === null; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    info = parsePostmasterPid(text);
  }
  if (info && (await isLivePostgres(info.pid))) return info;
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  return null;
}
