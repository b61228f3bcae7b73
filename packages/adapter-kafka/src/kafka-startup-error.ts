import type { KafkaSettings } from './kafka-settings.js';

// Socket errors and kafkajs errors that mean no broker answered at all.
const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|KafkaJSConnectionError|KafkaJSConnectionClosedError|KafkaJSRequestTimeoutError/;

/** The error and every error it wraps (`cause`, or kafkajs' `originalError`), outermost first. */
function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let next: unknown = error; next !== undefined && next !== null && errors.length < 10;) {
    errors.push(next);
    const wrapped = next as { cause?: unknown; originalError?: unknown };
    next = wrapped.cause ?? wrapped.originalError;
  }
  return errors;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return `${error.name}: ${error.message}${typeof code === 'string' && !error.message.includes(code) ? ` (${code})` : ''}`;
}

/** What to do about a failure to reach Kafka at start, judged from the errors it wraps. */
function likelyFix(errors: readonly unknown[], settings: Pick<KafkaSettings, 'idempotent'>): string {
  const text = errors.map(describe).join(' | ');
  if (settings.idempotent && /KafkaJSBrokerNotFound|not found in the cached metadata/.test(text)) {
    return "the cluster names no controller, which the idempotent producer needs (librdkafka's mock cluster has none): set KAFKA_IDEMPOTENT=false for such a cluster, and keep it true on a real one";
  }
  if (UNREACHABLE.test(text)) return 'no broker answered: check KAFKA_BROKERS and that the brokers are up and reachable from this host';
  return "check KAFKA_BROKERS, the other KAFKA_* settings and the brokers' logs";
}

/** The worker could not start talking to Kafka; the message is one line naming the brokers, the cause and the likely fix. */
export class KafkaStartupError extends Error {
  override readonly name = 'KafkaStartupError';

  /** Wraps `cause`, a failure to connect a producer or consumer at start. */
  constructor(cause: unknown, settings: Pick<KafkaSettings, 'brokers' | 'idempotent'>) {
    const errors = chain(cause);
    const innermost = errors[errors.length - 1];
    super(
      `Cannot start on Kafka at ${settings.brokers.join(',')}: ${describe(innermost).replace(/\s+/g, ' ')}; ${likelyFix(errors, settings)}.`,
      { cause },
    );
  }
}
