/**
 * One load run, in its own process so the load generator never shares an event loop with what
 * it measures. Reads a {@link LoadSpec} as JSON from argv[2], drives it with autocannon, and
 * prints a {@link LoadResult} as JSON.
 */
import { type EventEmitter, once } from 'node:events';
import autocannon from 'autocannon';
import { STARTED } from './processes.js';

/** What to send: each request picks one of `variants` at random; `{n}` in a body becomes a unique number. */
export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly durationS: number;
  readonly connections: number;
  /** Requests per second across all connections; unlimited when absent. */
  readonly overallRate?: number;
  /**
   * Seconds of the same load first, not measured, on connections of their own: a fresh load
   * generator's first requests run its own code cold and time that, not the server.
   */
  readonly warmupS?: number;
  /** Waits for a line on stdin before it begins, so that another load can start it at a chosen moment. */
  readonly startOnInput?: boolean;
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
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const unique = `${process.pid.toString(36)}${Date.now().toString(36)}`;
let counter = 0;

if (spec.startOnInput) await once(process.stdin, 'data');
// Without a callback autocannon returns its tracker, an EventEmitter that is also a promise of the
// result; its types name only the promise. Only this form runs a warm-up.
const run = autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS,
  ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  timeout: 30,
  ...(spec.warmupS ? { warmup: { duration: spec.warmupS } } : {}),
  requests: [
    {
      method: spec.method,
      path: spec.path,
      setupRequest: (request) => {
        const variant = spec.variants[Math.floor(Math.random() * spec.variants.length)]!;
        const body = variant.body?.replaceAll('{n}', `${unique}${(counter++).toString(36)}`);
        return {
          ...request,
          headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...variant.headers },
          ...(body ? { body } : {}),
        };
      },
    },
  ],
}) as Promise<autocannon.Result> & EventEmitter;
// The warm-up, when there is one, has its own tracker: this start is the measured run's.
const tracker: EventEmitter = run;
tracker.on('start', () => process.stderr.write(`${STARTED}\n`));
const result = await run;

const out: LoadResult = {
  rps: result['2xx'] / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  ok: result['2xx'],
  failed: result.non2xx,
  errors: result.errors + result.timeouts,
};
process.stdout.write(JSON.stringify(out));
