import { pwnedPasswordsFailures, type PwnedPasswordsFailure } from '@authsvc/adapter-password-screening';
import { createPipelineMetrics, type PipelineMetrics } from '@authsvc/observability';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How a login ended, as the login outcome counter labels it. */
export type LoginOutcome = 'success' | 'bad_credentials' | 'disabled' | 'throttled';

/** The age and size of the outbox, read at scrape time. */
export interface OutboxBacklog {
  readonly count: number;
  /** Seconds since the oldest unpublished event was written; 0 when there is none. */
  readonly oldestAgeSeconds: number;
}

/** Where the metrics read what they report at scrape time. */
export interface MetricSources {
  /** Reads the outbox backlog; a failure leaves the gauges at their last value. */
  readonly outboxBacklog: () => Promise<OutboxBacklog>;
}

/** The API's metrics, in one Prometheus registry. */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Relay and consumer gauges, set by whichever component runs them in this process. */
  readonly pipeline: PipelineMetrics;
  /** Records one answered request by route pattern (not raw URL, to bound the label set). */
  observeRequest(labels: { readonly method: string; readonly route: string; readonly status: number }, seconds: number): void;
  /** Records how a login ended. */
  recordLogin(outcome: LoginOutcome): void;
  /** Records a request the throttle refused. */
  recordThrottled(route: string): void;
  /** Records a breach check the Pwned Passwords API did not answer. */
  recordBreachCheckFailure(reason: PwnedPasswordsFailure): void;
}

// Latency buckets around scrypt's cost: a login takes tens of milliseconds by design.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the API's registry with process metrics, HTTP metrics, login outcomes and the outbox backlog. */
export function createApiMetrics(sources: MetricSources): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'authsvc_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'authsvc_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const logins = new Counter({
    name: 'authsvc_login_attempts_total',
    help: 'Login attempts by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const throttled = new Counter({
    name: 'authsvc_throttled_requests_total',
    help: 'Requests refused with 429 by the throttle, by route pattern',
    labelNames: ['route'],
    registers: [registry],
  });
  const breachCheckFailures = new Counter({
    name: 'authsvc_password_breach_check_failures_total',
    help: 'Password breach checks the Pwned Passwords API did not answer, by reason (PASSWORD_BREACH_CHECK_ON_ERROR decides their fate)',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Both outbox gauges come from one query, run once per scrape by the gauge registered first.
  new Gauge({
    name: 'authsvc_outbox_backlog',
    help: 'Events written to the outbox and not yet published',
    registers: [registry],
    async collect() {
      try {
        const backlog = await sources.outboxBacklog();
        this.set(backlog.count);
        outboxAge.set(backlog.oldestAgeSeconds);
      } catch {
        // An unreachable database must not fail the scrape: /readyz reports it, the rest still counts.
      }
    },
  });
  const outboxAge = new Gauge({
    name: 'authsvc_outbox_oldest_age_seconds',
    help: 'Seconds since the oldest event still in the outbox was written (0 when empty)',
    registers: [registry],
  });
  // Zero series for every outcome, so rate() works from the first scrape.
  for (const outcome of ['success', 'bad_credentials', 'disabled', 'throttled'] satisfies LoginOutcome[]) logins.inc({ outcome }, 0);
  for (const reason of pwnedPasswordsFailures) breachCheckFailures.inc({ reason }, 0);

  // The series of each method, route and status, looked up once: prom-client otherwise builds
  // and hashes the label set on every request, twice. Routes are patterns and statuses few, so
  // the map stays small.
  const series = new Map<string, { readonly count: Counter.Internal; readonly time: Histogram.Internal<'method' | 'route' | 'status'> }>();
  return {
    registry,
    pipeline: createPipelineMetrics(registry),
    observeRequest({ method, route, status }, seconds) {
      const key = `${method} ${status} ${route}`;
      let found = series.get(key);
      if (found === undefined) {
        const labels = { method, route, status: String(status) };
        found = { count: requests.labels(labels), time: duration.labels(labels) };
        series.set(key, found);
      }
      found.count.inc();
      found.time.observe(seconds);
    },
    recordLogin(outcome) {
      logins.inc({ outcome });
    },
    recordThrottled(route) {
      throttled.inc({ route });
    },
    recordBreachCheckFailure(reason) {
      breachCheckFailures.inc({ reason });
    },
  };
}
