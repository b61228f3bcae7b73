// @ts-check
// Plain JavaScript, type-checked: it runs before anything is built, on any supported Node.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's root: processes run there, as pnpm's scripts do (`./.data`, `.env`). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * @typedef {{ readonly what: string, readonly filter: string, readonly entry: string, readonly nodeFlags?: string }} Target
 * `nodeFlags`: a built module whose `apiNodeFlags` gives the Node flags to run `entry` with.
 */

/** What each launcher builds (turbo's `--filter`) and then runs. */
const TARGETS = /** @type {const} @satisfies {Record<string, Target>} */ ({
  api: { what: 'the service', filter: '@authsvc/api...', entry: 'apps/api/dist/main.js', nodeFlags: 'apps/api/dist/node-flags.js' },
  worker: { what: 'the worker', filter: '@authsvc/worker...', entry: 'apps/worker/dist/main.js' },
  authctl: { what: 'authctl', filter: '@authsvc/api...', entry: 'apps/api/dist/authctl.js' },
});

/** @typedef {keyof typeof TARGETS} TargetName */

const SIGNALS = /** @type {const} */ (['SIGTERM', 'SIGINT', 'SIGHUP']);

/**
 * Builds a target with turbo, saying so on stderr and showing turbo's output only if the build
 * fails, then runs it with `args` in a child Node process. SIGTERM, SIGINT and SIGHUP are passed
 * to whichever child runs (turbo, then the process), and this process ends as the child did, so
 * whoever stops the launcher (pnpm forwards its signals to it) stops the service and, through the
 * service's own shutdown, its embedded PostgreSQL.
 * @param {TargetName} name
 * @param {readonly string[]} args
 */
export function launch(name, args) {
  const target = TARGETS[name];
  /** @type {import('node:child_process').ChildProcess | null} */
  let current = null;
  /** @type {NodeJS.Signals | null} */
  let stoppedBy = null;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      stoppedBy ??= signal;
      current?.kill(signal);
    });
  }

  process.stderr.write(`building ${target.what} (first run takes ~40 s)...\n`);
  const build = spawn(
    join(ROOT, 'node_modules', '.bin', 'turbo'),
    ['run', 'build', `--filter=${target.filter}`, '--output-logs=errors-only'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  current = build;
  /** @type {Buffer[]} */
  const chatter = [];
  build.stdout.on('data', (/** @type {Buffer} */ chunk) => chatter.push(chunk));
  build.stderr.on('data', (/** @type {Buffer} */ chunk) => chatter.push(chunk));
  build.on('error', (error) => {
    process.stderr.write(`cannot run turbo (${error.message}): run \`pnpm install\` first\n`);
    process.exit(1);
  });
  build.on('close', (code, signal) => {
    if (code !== 0 || stoppedBy !== null) {
      if (stoppedBy === null) process.stderr.write(Buffer.concat(chatter));
      return endLike(code, signal ?? stoppedBy);
    }
    void nodeFlagsOf(target).then((flags) => {
      // A signal that came while the flags were read stops the launch here.
      if (stoppedBy !== null) return endLike(null, stoppedBy);
      const child = spawn(process.execPath, [...flags, join(ROOT, target.entry), ...args], { cwd: ROOT, stdio: 'inherit' });
      current = child;
      child.on('exit', endLike);
    });
  });
}

/**
 * The Node flags `target` runs with, read from its build (none when it names no module); the
 * operator's NODE_OPTIONS keep precedence.
 * @param {Target} target
 * @returns {Promise<string[]>}
 */
async function nodeFlagsOf(target) {
  if (target.nodeFlags === undefined) return [];
  const module = /** @type {{ apiNodeFlags: (execArgv: readonly string[], nodeOptions?: string) => string[] }} */ (
    await import(pathToFileURL(join(ROOT, target.nodeFlags)).href)
  );
  return module.apiNodeFlags([], process.env.NODE_OPTIONS);
}

/**
 * Ends this process as its child ended: with its exit code, or killed by the same signal.
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signal
 */
function endLike(code, signal) {
  if (signal === null) process.exit(code ?? 1);
  for (const name of SIGNALS) process.removeAllListeners(name);
  process.kill(process.pid, signal);
}

/** @param {string} name @returns {name is TargetName} */
const isTarget = (name) => Object.hasOwn(TARGETS, name);

// `node scripts/launch.mjs <api|worker|authctl> [args...]`, as the root package's scripts run it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [name = '', ...args] = process.argv.slice(2);
  if (isTarget(name)) launch(name, args);
  else {
    process.stderr.write(`usage: launch.mjs <${Object.keys(TARGETS).join('|')}> [args...]\n`);
    process.exit(2);
  }
}
