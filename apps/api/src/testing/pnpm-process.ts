import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processExists } from '@authsvc/postgres-embedded';

/**
 * How long a launch may take to start or finish: each one builds first, and a build that finds
 * changed sources takes minutes on a busy 2-core machine.
 */
export const LAUNCH_TIMEOUT_MS = 240_000;

/** The repository's root, where `pnpm start` and `pnpm authctl` are run. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The environment of a `pnpm` child: PATH and HOME, no DATABASE_URL or KAFKA_BROKERS of the test
 * run unless given, and no developer's `.env` (ENV_FILE points at an empty file).
 */
export function pnpmEnv(extra: Record<string, string>): Record<string, string> {
  const { PATH = '', HOME = '/root' } = process.env;
  return { PATH, HOME, ENV_FILE: '/dev/null', ...extra };
}

/** Every process below `pid` (Linux `/proc`), children first. */
function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter((text) => text !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** A `pnpm` process the test started, with what it wrote. */
export interface PnpmProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** How it ended; null while it runs. */
  readonly exited: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Notes the processes below pnpm now, so `leftovers` can tell which outlived it. */
  recordDescendants(): void;
  /** The processes once seen below pnpm that still exist. */
  leftovers(): number[];
  /** The arguments of each process below pnpm now, the program first. */
  commandLines(): string[][];
  /** SIGKILLs pnpm and its leftovers, so a failed test leaves no server behind. */
  killLeftovers(): void;
}

/** Starts `pnpm <args>` in the repository's root. */
export function startPnpm(args: readonly string[], env: Record<string, string>): PnpmProcess {
  const child = spawn('pnpm', args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited: PnpmProcess['exited'] = null;
  const seen = new Set<number>();
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const leftovers = () => [...seen].filter(processExists);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    get exited() {
      return exited;
    },
    recordDescendants() {
      if (exited === null && child.pid !== undefined) for (const pid of descendants(child.pid)) seen.add(pid);
    },
    leftovers,
    commandLines() {
      if (child.pid === undefined) return [];
      return descendants(child.pid).flatMap((pid) => {
        try {
          return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1)];
        } catch {
          // It ended between listing and reading.
          return [];
        }
      });
    },
    killLeftovers() {
      if (exited === null) child.kill('SIGKILL');
      for (const pid of leftovers()) process.kill(pid, 'SIGKILL');
    },
  };
}

/**
 * Resolves when `predicate` holds, polling; rejects naming `what` after `timeoutMs`. With `shown`,
 * each poll records the processes below it and a timeout shows its output.
 */
export async function eventually(predicate: () => boolean, what: string, timeoutMs: number, shown?: PnpmProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    shown?.recordDescendants();
    if (predicate()) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${shown ? `\n${shown.stdout()}\n${shown.stderr()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `pnpm <args>` to its end (killed after `timeoutMs`) and returns its exit code and output. */
export async function runPnpm(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = LAUNCH_TIMEOUT_MS,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startPnpm(args, env);
  try {
    await eventually(() => run.exited !== null, `pnpm ${args.join(' ')} to finish`, timeoutMs, run);
  } finally {
    run.killLeftovers();
  }
  return { code: run.exited!.code, stdout: run.stdout(), stderr: run.stderr() };
}

/** The pid of the embedded PostgreSQL running in `dataDir`, from the first line of its `postmaster.pid`. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/**
 * Sends `signal` to the pnpm process alone, as `kill <pid>` would, and waits (30 s each at most)
 * until pnpm has exited and the embedded PostgreSQL `postmaster` is gone.
 */
export async function stopPnpm(run: PnpmProcess, signal: NodeJS.Signals, postmaster: number): Promise<void> {
  run.child.kill(signal);
  await eventually(() => run.exited !== null, 'pnpm to exit', 30_000, run);
  await eventually(() => !processExists(postmaster), 'the embedded PostgreSQL to stop', 30_000, run);
}
