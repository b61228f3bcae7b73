import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { apiNodeFlags } from '@authsvc/api/node-flags';

/** A server process the bench started, in its own process group so its workers go with it. */
export interface Spawned {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The arguments that run the API's production build as `pnpm start` does, with its V8 flags, after
 * `nodeArgs` of the bench's own (a profiler, a preload); a flag in `nodeArgs` overrides the API's.
 */
export function apiArgs(repoRoot: string, nodeArgs: readonly string[] = []): string[] {
  return [...apiNodeFlags(nodeArgs, process.env.NODE_OPTIONS), ...nodeArgs, path.join(repoRoot, 'apps/api/dist/main.js')];
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node args...` with `env` added, output to `logFile`. */
export function spawnNode(name: string, args: string[], env: Record<string, string>, logFile: string): Spawned {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd], detached: true });
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    logFile,
    child,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          return;
        }
        const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 8_000).unref());
        if ((await Promise.race([exited, timer])) === 'timeout') {
          // Its group (our pid as group id, from `detached`) holds any workers it left behind.
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // The group is gone already.
          }
        }
      })()),
  };
}

/** Polls `url` until it answers 2xx, or fails after `timeoutMs` (showing the log). */
export async function waitForHttp(url: string, spawned: Spawned, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawned.child.exitCode !== null) break;
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${spawned.name} did not become ready at ${url}; its log (${spawned.logFile}):\n${tail(spawned.logFile)}`);
}

const tail = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
};

/** The pids of a process and all its descendants (Linux /proc). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      const children = readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, 'utf8').trim();
      if (children) all.push(...children.split(/\s+/).map(Number));
    } catch {
      // The process ended while being read.
    }
  }
  return all;
}

/** Resident set size of a process tree in bytes (0 where /proc is unavailable). */
export function treeRss(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

/** Samples a process tree's RSS every 100 ms until `stop()`, which returns the peak. */
export function sampleRss(pid: number): { stop(): number } {
  let peak = treeRss(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRss(pid));
    },
  };
}

/** A script started by {@link startNodeJson}. */
export interface NodeJsonRun<T> {
  /** What the script printed as JSON, once it exits. */
  readonly result: Promise<T>;
  /** Resolves once the script has written `{@link STARTED}` on stderr. */
  readonly started: Promise<void>;
  /** Writes a line to the script's stdin, e.g. to let it begin. */
  release(): void;
}

/** The line a script writes on stderr to say that what it measures has begun. */
export const STARTED = 'started';

/** Starts `node script arg`, which prints JSON when done; it may also say when it started and wait to be released. */
export function startNodeJson<T>(script: string, arg: string | undefined, env: Record<string, string> = {}): NodeJsonRun<T> {
  const child = spawn(process.execPath, arg === undefined ? [script] : [script, arg], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const started = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk) => {
      err += chunk;
      if (err.includes(`${STARTED}\n`)) resolve();
    });
  });
  const result = new Promise<T>((resolve, reject) => {
    child.on('exit', (code) => {
      child.stdin.destroy();
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch (error) {
        reject(new Error(`${script} printed no JSON: ${out}\n${err}`, { cause: error }));
      }
    });
  });
  return { result, started, release: () => child.stdin.end('\n') };
}

/** Runs `node script arg` and parses what it prints as JSON. */
export function runNodeJson<T>(script: string, arg: string | undefined, env: Record<string, string> = {}): Promise<T> {
  return startNodeJson<T>(script, arg, env).result;
}
