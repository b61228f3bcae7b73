import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@authsvc/testing-postgres';
import { testApiEnv } from '../src/testing/index.js';

/** The built entry point: the fault tests run the API as it is deployed, in a process of its own. */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** An API process the test started, on its own port. */
export interface ChildApi {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Resolves with how the process ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

/** Polls `/healthz` until it answers, or throws after `timeoutMs`. */
async function waitUntilServing(baseUrl: string, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(gone ? 'the API process exited before serving' : `the API did not serve within ${timeoutMs} ms`);
}

/**
 * Starts `node dist/main.js` against `databaseUrl` on a free loopback port and waits until it
 * serves. Throttles are off and scrypt cheap unless `env` says otherwise.
 */
export async function startChildApi(databaseUrl: string, env: Record<string, string> = {}, port?: number): Promise<ChildApi> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first (turbo's test task does)`);
  const listenPort = port ?? (await freePort());
  // A directory of its own, so no stray .env is read; removed when the process ends.
  const cwd = mkdtempSync(join(tmpdir(), 'authsvc-child-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH,
      ...testApiEnv(databaseUrl, { HOST: '127.0.0.1', PORT: String(listenPort), LOG_LEVEL: 'warn', ...env }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const baseUrl = `http://127.0.0.1:${listenPort}`;
  try {
    // A first start on the embedded database runs initdb, which alone can take tens of seconds on a loaded machine.
    await waitUntilServing(baseUrl, exited, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
  return { child, baseUrl, exited, output: () => output };
}

/** The outcome of one request: its status, or the network error's code when none came back. */
export interface Outcome {
  readonly status: number | null;
  readonly body: unknown;
  readonly error: string | null;
}

/** POSTs JSON and reports what happened, never throwing. */
export async function post(baseUrl: string, path: string, body: unknown, timeoutMs = 15_000): Promise<Outcome> {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null, error: null };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: null, body: null, error: cause?.code ?? (error as Error).name };
  }
}
