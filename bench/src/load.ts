/**
 * One load run, in its own process so the load generator never shares an event loop with what
 * it measures. Reads a {@link LoadSpec} as JSON from argv[2], drives it with autocannon, and
 * prints a {@link LoadResult} as JSON.
 */
import autocannon from 'autocannon';

/** What to send: each request picks one of `variants` at random; `{n}` in a body becomes a unique number. */
export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly durationS: number;
  readonly connections: number;
  /** Requests per second across all connections; unlimited when absent. */
  readonly overallRate?: number;
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

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS,
  ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  timeout: 30,
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
});

const out: LoadResult = {
  rps: result['2xx'] / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  ok: result['2xx'],
  failed: result.non2xx,
  errors: result.errors + result.timeouts,
};
process.stdout.write(JSON.stringify(out));
