import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built entry point: these tests run the worker as it is deployed, in a process of its own. */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** How a child process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One JSON log line of the worker (pino), as parsed. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly msg?: string };

/** A worker process a test started. */
export interface ChildWorker {
  readonly child: ChildProcess;
  /** Resolves with how the process ended. */
  readonly exited: Promise<Exit>;
  /** Null while it runs. */
  exit(): Exit | null;
  /** Everything it wrote to stdout and stderr, for assertions and failure messages. */
  output(): string;
  /** Its stdout lines that are JSON log lines. */
  logLines(): LogLine[];
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<Exit>;
}

/** Starts `node dist/main.js` with exactly `env` (plus PATH), in a scratch directory so no stray .env is read. */
export function spawnWorker(env: Readonly<Record<string, string>>): ChildWorker {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first (turbo's test task does)`);
  const cwd = mkdtempSync(join(tmpdir(), 'authsvc-worker-'));
  const child = spawn(process.execPath, [MAIN], { cwd, env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  let ended: Exit | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      ended = { code, signal };
      resolve(ended);
    }),
  );
  const logLines = (): LogLine[] =>
    stdout.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  return {
    child,
    exited,
    exit: () => ended,
    output: () => output,
    logLines,
    kill: async () => {
      if (ended === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      return exited;
    },
  };
}
