/**
 * One load run, in its own process so the load generator never shares an event loop with what
 * it measures. Reads a {@link LoadSpec} as JSON from argv[2] and prints a {@link LoadResult} as
 * JSON. As fast as it can goes through autocannon; at a set rate through {@link paced}, for
 * autocannon 9 sends each second's share of a rate in one burst per connection, then records each
 * latency with a sample for every millisecond of it (its expected interval is ceil(1 / rate)),
 * which reported a read of 16 ms as sixteen reads of 1 to 16 ms.
 */
import { once } from 'node:events';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { STARTED } from './processes.js';
import { percentile } from './report.js';

/** What to send: each request picks one of `variants` at random; `{n}` in a body becomes a unique number. */
export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly durationS: number;
  readonly connections: number;
  /** Requests per second across all connections, evenly spaced; unlimited when absent. */
  readonly overallRate?: number;
  /**
   * Seconds of the same load first, not measured: a fresh load generator's first requests run its
   * own code cold and time that, not the server.
   */
  readonly warmupS?: number;
  /** Waits for a line on stdin before it begins, so that another load can start it at a chosen moment. */
  readonly startOnInput?: boolean;
  /**
   * Opens every connection at once, as a crowd of clients arriving together would. Otherwise they
   * open one by one, which node:cluster splits evenly between the server's workers.
   */
  readonly burst?: boolean;
  readonly variants: ReadonlyArray<{ readonly headers?: Record<string, string>; readonly body?: string }>;
}

/** Successful requests per second and latency (ms) of one run. */
export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly failed: number;
  readonly errors: number;
  /** The load generator's own longest event-loop delay while it measured (paced loads only). */
  readonly ownDelayMaxMs?: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const unique = `${process.pid.toString(36)}${Date.now().toString(36)}`;
let counter = 0;

/** The next request of the spec: one of its variants, `{n}` in its body made unique. */
function nextRequest(): { headers: Record<string, string>; body?: string } {
  const variant = spec.variants[Math.floor(Math.random() * spec.variants.length)]!;
  const body = variant.body?.replaceAll('{n}', `${unique}${(counter++).toString(36)}`);
  return { headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...variant.headers }, ...(body ? { body } : {}) };
}

/**
 * What autocannon returns without a callback: its tracker, an event emitter that is also a promise
 * of its result.
 */
type CannonRun = Promise<autocannon.Result> & autocannon.Instance;

/**
 * Settles at a run's first answer. autocannon reconnects after a failed request by itself, so only
 * a run that ends with no answer at all (a server that never answered) fails.
 */
const firstAnswer = (run: CannonRun) =>
  new Promise<void>((resolve, reject) => {
    const tracker: autocannon.Instance = run;
    tracker.once('response', () => resolve());
    run.then(() => reject(new Error(`no answer from ${spec.url}${spec.path}`)), reject);
  });

/**
 * As many requests as the connections take, through autocannon: one autocannon run of one
 * connection each, the next started only once the one before has had its first answer (unless
 * `burst`), all then measured together for the duration from the answers they report.
 * node:cluster hands a burst of new connections to whichever worker acknowledges first, which split
 * 32 connections anywhere from 3 and 30 to 16 and 16 from run to run, and the worker with more set
 * the p99; opened one by one, each goes to the next worker in turn.
 */
async function flatOut(): Promise<LoadResult> {
  const latencies: number[] = [];
  let measuring = false;
  let failed = 0;
  let errors = 0;
  const runs: CannonRun[] = [];
  const answered: Array<Promise<void>> = [];
  try {
    for (let i = 0; i < spec.connections; i += 1) {
      // Each run ends when told to stop.
      const run = autocannon({
        url: spec.url,
        connections: 1,
        duration: (spec.warmupS ?? 0) + spec.durationS + 60,
        timeout: 30,
        requests: [{ method: spec.method, path: spec.path, setupRequest: (request) => ({ ...request, ...nextRequest() }) }],
      }) as CannonRun;
      runs.push(run);
      // Its events through the emitter's type: on the promise's, `on` would return a promise.
      const tracker: autocannon.Instance = run;
      tracker.on('response', (_client, statusCode, _bytes, ms) => {
        if (!measuring) return;
        if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
        else failed += 1;
      });
      tracker.on('reqError', () => {
        if (measuring) errors += 1;
      });
      const first = firstAnswer(run);
      if (spec.burst) answered.push(first);
      else await first;
    }
    await Promise.all(answered);
    if (spec.warmupS) await sleep(spec.warmupS * 1000);
    process.stderr.write(`${STARTED}\n`);
    measuring = true;
    const start = performance.now();
    await sleep(spec.durationS * 1000);
    measuring = false;
    const seconds = (performance.now() - start) / 1000;
    return {
      rps: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      ok: latencies.length,
      failed,
      errors,
    };
  } finally {
    for (const run of runs) run.stop();
    await Promise.all(runs);
  }
}

/**
 * `rate` requests a second, one every 1/rate s over up to `connections` kept-alive connections,
 * for the warm-up and then the measured seconds. Each latency runs from when its request was due,
 * not from when it went out, so a stall counts against every request that fell due during it.
 */
async function paced(rate: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const intervalMs = 1000 / rate;
  const send = (dueAt: number) =>
    new Promise<{ status: number; ms: number } | undefined>((resolve) => {
      const { headers, body } = nextRequest();
      const request = http.request(new URL(spec.path, spec.url), { method: spec.method, agent, headers, timeout: 30_000 }, (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - dueAt }));
        response.once('error', () => resolve(undefined));
      });
      request.once('timeout', () => request.destroy());
      request.once('error', () => resolve(undefined));
      request.end(body);
    });
  const sendFor = async (seconds: number) => {
    const start = performance.now();
    const count = Math.round(seconds * rate);
    const sent: Array<Promise<{ status: number; ms: number } | undefined>> = [];
    for (let i = 0; i < count; i += 1) {
      const dueAt = start + i * intervalMs;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
      sent.push(send(dueAt));
    }
    return Promise.all(sent);
  };
  try {
    if (spec.warmupS) await sendFor(spec.warmupS);
    process.stderr.write(`${STARTED}\n`);
    // A late timer here is a late read in the figures, though the server had nothing to do with it.
    const ownDelay = monitorEventLoopDelay({ resolution: 1 });
    ownDelay.enable();
    const outcomes = await sendFor(spec.durationS);
    ownDelay.disable();
    const answered = outcomes.filter((o) => o !== undefined);
    const ok = answered.filter((o) => o.status >= 200 && o.status < 300).map((o) => o.ms);
    return {
      rps: ok.length / spec.durationS,
      p50: percentile(ok, 50),
      p99: percentile(ok, 99),
      ok: ok.length,
      failed: answered.length - ok.length,
      errors: outcomes.length - answered.length,
      ownDelayMaxMs: ownDelay.max / 1e6,
    };
  } finally {
    agent.destroy();
  }
}

if (spec.startOnInput) await once(process.stdin, 'data');
const out = spec.overallRate ? await paced(spec.overallRate) : await flatOut();
process.stdout.write(JSON.stringify(out));
