/**
 * `pnpm bench`: loads the production build of the API on a real PostgreSQL and reports every
 * figure beside a ceiling measured in the same run on the same machine, with better-auth as a
 * peer. The read runs on one process and on `--workers` (default: one per core), each against a
 * bare server with as many, and once more on one process at LOG_LEVEL=info; login-to-audit is
 * timed in the embedded default and in the Kafka mode. Writes bench/results.json and bench/results.svg. Flags: --quick (a ~1 minute smoke run),
 * --duration S, --reps N, --workers N, --only read|login|storm|events. Env: DATABASE_URL (a server to use instead of an embedded
 * one; the bench creates and drops its own databases there), SCRYPT_LOG_N, BENCH_LOG_LEVEL.
 */
import { mkdtempSync, chmodSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ScryptPasswordHasher } from '@authsvc/adapter-crypto';
import { startEmbeddedPostgres, withDatabaseName, type EmbeddedPostgres } from '@authsvc/postgres-embedded';
import pg from 'pg';
import { renderChart } from './chart.js';
import { startEmbeddedAuditStack } from './embedded-audit.js';
import { LOGIN_RATE, startEventsStack, type EventsStack } from './events.js';
import type { LoadResult, LoadSpec } from './load.js';
import type { ProbeReport } from './probe.js';
import {
  apiArgs,
  freePort,
  processTree,
  runNodeJson,
  sampleRss,
  spawnNode,
  startNodeJson,
  waitForHttp,
  type Spawned,
} from './processes.js';
import { betterAuthSessions, PASSWORD, recreateDatabase, seedApi, seedBetterAuth } from './seed.js';
import { summarise, printTable, type Measurements, type Run } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const repoRoot = path.resolve(benchDir, '..');

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    reps: { type: 'string' },
    workers: { type: 'string' },
    // Runs one group only (read, login, storm or events), e.g. to profile the API under it.
    only: { type: 'string' },
  },
});
const quick = flags.quick;
const durationS = Number(flags.duration ?? (quick ? 2 : 8));
const reps = Number(flags.reps ?? (quick ? 1 : 3));
const cores = os.availableParallelism();
const workers = Number(flags.workers ?? process.env.WEB_CONCURRENCY ?? cores);
const groups = ['read', 'login', 'storm', 'events'] as const;
if (flags.only !== undefined && !(groups as readonly string[]).includes(flags.only)) {
  throw new Error(`--only must be one of ${groups.join(', ')}, got ${flags.only}`);
}
const runs = (group: (typeof groups)[number]) => flags.only === undefined || flags.only === group;
const scryptLogN = Number(process.env.SCRYPT_LOG_N ?? 15);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const users = quick ? 200 : 1000;
const outboxEvents = Number(process.env.BENCH_OUTBOX_EVENTS ?? (quick ? 2000 : 20_000));

const work = mkdtempSync(path.join(os.tmpdir(), 'authsvc-bench-'));
// PostgreSQL runs as its own user when we are root: it must be able to reach its data folder.
chmodSync(work, 0o755);
const spawned: Spawned[] = [];
let embedded: EmbeddedPostgres | undefined;
let events: EventsStack | undefined;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function cleanUp(): Promise<void> {
  await Promise.all(spawned.map((s) => s.stop()));
  await events?.stop();
  await embedded?.stop();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

/** Starts PostgreSQL (embedded unless DATABASE_URL is set) and returns a URL of its `postgres` database. */
async function startDatabase(): Promise<string> {
  if (process.env.DATABASE_URL) return withDatabaseName(process.env.DATABASE_URL, 'postgres');
  embedded = await startEmbeddedPostgres({ dataDir: path.join(work, 'pg'), port: await freePort() });
  return withDatabaseName(embedded.url, 'postgres');
}

const startLoad = (spec: LoadSpec) => startNodeJson<LoadResult>(path.join(here, 'load.js'), JSON.stringify(spec));
const load = (spec: LoadSpec) => startLoad(spec).result;

/** Runs one load against `server`, recording its peak RSS. */
async function measure(server: Spawned, spec: LoadSpec): Promise<LoadResult & { rssBytes: number }> {
  const rss = sampleRss(server.pid);
  const result = await load(spec);
  return { ...result, rssBytes: rss.stop() };
}

/** Asks every process of `server` (probe preloaded) for its report since the last ask. */
async function probeReports(server: Spawned, dir: string): Promise<ProbeReport[]> {
  const pids = processTree(server.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // The process is gone: nothing left to profile.
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return readdirSync(dir)
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Partial<ProbeReport>)
    .filter((r): r is ProbeReport => r.pid !== undefined && pids.includes(r.pid) && (r.samples ?? 0) > 0);
}

/**
 * The event-loop delay of `server` since the last ask. The worst process speaks for the service: a
 * request landing there waits that long.
 */
async function probeDelays(server: Spawned, dir: string): Promise<{ p50: number; p99: number; max: number }> {
  const reports = await probeReports(server, dir);
  return {
    p50: Math.max(0, ...reports.map((r) => r.p50)),
    p99: Math.max(0, ...reports.map((r) => r.p99)),
    max: Math.max(0, ...reports.map((r) => r.max)),
  };
}

/** How many of a load's connections each process of `server` held, most first. */
async function connectionSplit(server: Spawned, dir: string): Promise<number[]> {
  const reports = await probeReports(server, dir);
  return reports
    .map((r) => r.peakConnections)
    .filter((n) => n > 0)
    .sort((a, b) => b - a);
}

async function main(): Promise<void> {
  log(`work folder ${work}; ${cores} cores, ${workers} server process(es) each, ${durationS}s x ${reps} per figure`);
  const adminUrl = await startDatabase();
  const apiDbUrl = withDatabaseName(adminUrl, 'bench_authsvc');
  const baDbUrl = withDatabaseName(adminUrl, 'bench_better_auth');
  await recreateDatabase(adminUrl, 'bench_authsvc');
  await recreateDatabase(adminUrl, 'bench_better_auth');
  const pgVersion = await (async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    await client.end();
    return rows[0]!.server_version;
  })();

  const probeDir = path.join(work, 'probe');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(probeDir);
  const probe = ['--import', path.join(here, 'probe.js')];
  const common = { SCRYPT_LOG_N: String(scryptLogN), NODE_ENV: 'production' };
  // The read is measured on one process and on `workers`, each against a bare server with as
  // many; login, registration and the storm run on `workers` processes, as a default start does.
  const many = Math.max(1, workers);

  /** Starts the API's production build with `processes` workers, logging at `logLevel`. */
  const startApi = async (name: string, processes: number, logLevel: string): Promise<{ server: Spawned; base: string }> => {
    const port = await freePort();
    const server = spawnNode(
      name,
      // BENCH_API_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the API under load.
      apiArgs(repoRoot, [...probe, ...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [])]),
      {
        ...common,
        WEB_CONCURRENCY: String(processes),
        DATABASE_URL: apiDbUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: logLevel,
        BENCH_PROBE_DIR: probeDir,
        // Per-IP throttling of login and registration would cap a load test from one address.
        LOGIN_RATE: 'off',
        REGISTRATION_RATE: 'off',
      },
      path.join(work, `${name}.log`),
    );
    spawned.push(server);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, server);
    return { server, base };
  };
  /** Starts the bare Fastify + pg ceiling with `processes` workers. */
  const startCeiling = async (processes: number): Promise<{ server: Spawned; base: string }> => {
    const port = await freePort();
    const server = spawnNode(
      `ceiling-${processes}`,
      [...probe, path.join(here, 'ceiling-server.js')],
      {
        ...common,
        WEB_CONCURRENCY: String(processes),
        DATABASE_URL: apiDbUrl,
        PORT: String(port),
        USERS: String(users),
        BENCH_PROBE_DIR: probeDir,
      },
      path.join(work, `ceiling-${processes}.log`),
    );
    spawned.push(server);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, server);
    return { server, base };
  };

  // The first API migrates the database; the others find it done.
  const apiMany = await startApi('authsvc', many, logLevel);
  const apiOne = many === 1 ? apiMany : await startApi('authsvc-1', 1, logLevel);
  const apiInfo = runs('read') ? await startApi('authsvc-1-info', 1, 'info') : undefined;
  const ceilingOne = await startCeiling(1);
  const ceilingMany = many === 1 ? ceilingOne : await startCeiling(many);
  const api = apiMany.server;
  const apiBase = apiMany.base;

  const baPort = await freePort();
  const betterAuth = spawnNode(
    'better-auth',
    [...probe, path.join(here, 'better-auth-server.js')],
    { ...common, WEB_CONCURRENCY: String(many), DATABASE_URL: baDbUrl, PORT: String(baPort), BENCH_PROBE_DIR: probeDir },
    path.join(work, 'better-auth.log'),
  );
  spawned.push(betterAuth);
  await waitForHttp(`http://127.0.0.1:${baPort}/api/auth/ok`, betterAuth);

  log('seeding');
  const hasher = new ScryptPasswordHasher({ logN: scryptLogN, r: 8, p: 1 });
  const passwordHash = await hasher.hash(PASSWORD);
  const seeded = await seedApi(apiDbUrl, users, passwordHash);
  const baEmails = await seedBetterAuth(baDbUrl, users, passwordHash);
  const baBase = `http://127.0.0.1:${baPort}`;
  const baCookies = await betterAuthSessions(baBase, baEmails.slice(0, quick ? 8 : 32));

  const base = { durationS, method: 'GET' as const, path: '/api/users/me/', connections: 32 };
  const withTokens = seeded.authorizations.map((authorization) => ({ headers: { authorization } }));
  const meSpec = (url: string): LoadSpec => ({ ...base, url, variants: withTokens });
  const meSpecs = {
    ceilingOne: { ...base, url: ceilingOne.base, variants: [{}] },
    ceilingMany: { ...base, url: ceilingMany.base, variants: [{}] },
    authsvc: meSpec(apiBase),
    betterAuth: {
      ...base,
      url: baBase,
      path: '/api/auth/get-session',
      variants: baCookies.map((cookie) => ({ headers: { cookie } })),
    },
  } satisfies Record<string, LoadSpec>;
  // Each read subject, the server it loads, and the ceiling it is held against.
  const readSubjects: Array<{ key: string; server: Spawned; spec: LoadSpec; ceiling: 'one' | 'many' }> = [
    { key: 'one', server: apiOne.server, spec: meSpec(apiOne.base), ceiling: 'one' },
    ...(apiInfo ? [{ key: 'oneInfo', server: apiInfo.server, spec: meSpec(apiInfo.base), ceiling: 'one' as const }] : []),
    ...(many > 1 ? [{ key: 'many', server: apiMany.server, spec: meSpecs.authsvc, ceiling: 'many' as const }] : []),
    { key: 'betterAuth', server: betterAuth, spec: meSpecs.betterAuth, ceiling: 'many' },
  ];
  const ceilings = {
    one: { server: ceilingOne.server, spec: meSpecs.ceilingOne },
    many: { server: ceilingMany.server, spec: meSpecs.ceilingMany },
  };
  const post = { durationS, method: 'POST' as const, connections: 16 };
  const loginBody = (e: string) => JSON.stringify({ email: e, password: PASSWORD });
  const loginSpecs = {
    authsvc: { ...post, url: apiBase, path: '/api/users/login/', variants: seeded.emails.map((e) => ({ body: loginBody(e) })) },
    betterAuth: {
      ...post,
      url: baBase,
      path: '/api/auth/sign-in/email',
      variants: baEmails.map((e) => ({ body: loginBody(e), headers: { origin: baBase } })),
    },
  } satisfies Record<string, LoadSpec>;
  const registerSpecs = {
    authsvc: {
      ...post,
      url: apiBase,
      path: '/api/users/registration/',
      variants: [
        {
          body: JSON.stringify({
            first_name: 'Load',
            last_name: 'Test',
            email: 'reg-{n}@example.com',
            password1: PASSWORD,
            password2: PASSWORD,
          }),
        },
      ],
    },
    betterAuth: {
      ...post,
      url: baBase,
      path: '/api/auth/sign-up/email',
      variants: [
        { body: JSON.stringify({ name: 'Load Test', email: 'reg-{n}@example.com', password: PASSWORD }), headers: { origin: baBase } },
      ],
    },
  } satisfies Record<string, LoadSpec>;

  log('warming up');
  // Each server on its own, as long as a measured run: loaded all at once, none served enough
  // requests for V8 to optimise its hot path, and the first round measured the JIT (the API's
  // first read ran at 70% of its later ones in the run that showed it).
  for (const s of [ceilingOne, ceilingMany, apiOne, apiMany, ...(apiInfo ? [apiInfo] : [])]) {
    await load({ ...meSpec(s.base), durationS });
  }
  await load({ ...meSpecs.betterAuth, durationS });

  const m: Measurements = {
    me: {},
    meCeilingFor: {},
    login: {},
    register: {},
    scrypt: [],
    storm: [],
    events: [],
    embeddedAudit: [],
    loginCeilingFor: {},
    registerCeilingFor: {},
  };
  const push = <T>(table: Record<string, T[]>, key: string, ...values: T[]) => (table[key] ??= []).push(...values);
  const scryptCeiling = () =>
    runNodeJson<{ hashesPerSecond: number }>(path.join(here, 'scrypt-ceiling.js'), undefined, {
      SCRYPT_LOG_N: String(scryptLogN),
      DURATION_S: String(durationS),
      // As many hashing threads as the API has (libuv's default 4 in each worker): on a shared
      // machine the scheduler shares CPU by thread, so fewer threads would lower the ceiling.
      UV_THREADPOOL_SIZE: String(many * Number(process.env.UV_THREADPOOL_SIZE ?? 4)),
    });
  // Ceilings are measured right before and after each subject, and each subject is compared with
  // the mean of the two: other work on a shared machine drifts over a run, and this follows it.
  for (let rep = 1; rep <= reps; rep++) {
    if (runs('read')) {
      log(`round ${rep}/${reps}: authenticated read`);
      let last: { key: string; run: Run } | undefined;
      /** A read run with how its connections were split between the server's processes. */
      const measureRead = async (server: Spawned, spec: LoadSpec): Promise<Run> => {
        const run = await measure(server, spec);
        return { ...run, split: await connectionSplit(server, probeDir) };
      };
      const ceilingRun = async (key: 'one' | 'many'): Promise<Run> => {
        if (last?.key === key) return last.run;
        const run = await measureRead(ceilings[key].server, ceilings[key].spec);
        push(m.me, `ceiling_${key}`, run);
        last = { key, run };
        return run;
      };
      for (const subject of readSubjects) {
        const before = await ceilingRun(subject.ceiling);
        push(m.me, subject.key, await measureRead(subject.server, subject.spec));
        last = undefined;
        const after = await ceilingRun(subject.ceiling);
        push(m.meCeilingFor, subject.key, { rps: (before.rps + after.rps) / 2, p99: (before.p99 + after.p99) / 2 });
      }
    }

    if (runs('login')) {
      log(`round ${rep}/${reps}: scrypt ceiling, login, registration`);
      const hashing = [await scryptCeiling()];
      const subjects = [
        [m.login, 'authsvc', api, loginSpecs.authsvc],
        [m.login, 'betterAuth', betterAuth, loginSpecs.betterAuth],
        [m.register, 'authsvc', api, registerSpecs.authsvc],
        [m.register, 'betterAuth', betterAuth, registerSpecs.betterAuth],
      ] as const;
      for (const [table, name, server, spec] of subjects) {
        push(table, name, await measure(server, spec));
        hashing.push(await scryptCeiling());
        const around = (hashing.at(-2)!.hashesPerSecond + hashing.at(-1)!.hashesPerSecond) / 2;
        push(table === m.login ? m.loginCeilingFor : m.registerCeilingFor, name, around);
      }
      m.scrypt.push(...hashing);
    }

    if (runs('storm')) {
      log(`round ${rep}/${reps}: login storm with reads beside it`);
      await probeDelays(api, probeDir);
      const rss = sampleRss(api.pid);
      // The reads warm their own client up first; the 32 logins are let go the moment the measured
      // reads begin, so the storm's first moment, when they all arrive at once, is measured too.
      const logins = startLoad({ ...loginSpecs.authsvc, connections: 32, startOnInput: true, burst: true });
      const readLoad = startLoad({ ...meSpecs.authsvc, connections: 4, overallRate: 200, warmupS: 1 });
      try {
        await Promise.race([readLoad.started, readLoad.result]);
      } finally {
        logins.release();
      }
      const [storm, reads] = await Promise.all([logins.result, readLoad.result]);
      const delay = await probeDelays(api, probeDir);
      m.storm.push({ logins: storm, reads, eventLoop: delay, rssBytes: rss.stop() });
    }
  }

  // After the other figures' rounds, so the broker and the extra API and worker are not idling
  // beside them; the relay's ceiling is measured around each of its own rounds.
  if (runs('events')) {
    log('login-to-audit in the embedded default: an API relaying in-process, woken by NOTIFY');
    const embeddedDbName = 'bench_authsvc_embedded';
    await recreateDatabase(adminUrl, embeddedDbName);
    const embeddedStack = await startEmbeddedAuditStack({
      repoRoot,
      work,
      dbUrl: withDatabaseName(adminUrl, embeddedDbName),
      port: await freePort(),
      users,
      workers: many,
    });
    try {
      for (let rep = 1; rep <= reps; rep++) {
        log(`round ${rep}/${reps}: ${LOGIN_RATE} logins/s to the audit log, embedded`);
        m.embeddedAudit.push(await embeddedStack.round(durationS, LOGIN_RATE));
      }
    } finally {
      await embeddedStack.stop();
    }

    log('starting the event pipeline: mock Kafka, an API in Kafka mode, the consumer worker');
    const eventsDbName = 'bench_authsvc_events';
    await recreateDatabase(adminUrl, eventsDbName);
    events = await startEventsStack({
      repoRoot,
      benchDist: here,
      work,
      dbUrl: withDatabaseName(adminUrl, eventsDbName),
      port: await freePort(),
      users,
      workers: many,
      outboxEvents,
      log,
    });
    for (let rep = 1; rep <= reps; rep++) {
      log(`round ${rep}/${reps}: outbox relay on ${outboxEvents} events, then logins to the audit log`);
      m.events.push(await events.round(durationS));
    }
    await events.stop();
  }

  const summary = summarise(m, many, events?.settings);
  const results = {
    when: new Date().toISOString(),
    command: `pnpm bench${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cores,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: pgVersion,
      loadGenerator: 'autocannon, and an evenly spaced reader for the storm (separate processes, loopback)',
    },
    settings: {
      durationS,
      reps,
      workers,
      scryptLogN,
      users,
      logLevel,
      events: events?.settings ?? null,
    },
    summary,
    raw: m,
  };
  writeFileSync(path.join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(benchDir, 'results.svg'), renderChart(results));
  printTable(results);
  log(`wrote bench/results.json and bench/results.svg`);
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
  if (process.exitCode !== 1 && existsSync(work)) {
    const { rmSync } = await import('node:fs');
    rmSync(work, { recursive: true, force: true });
  }
}
