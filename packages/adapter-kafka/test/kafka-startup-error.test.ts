import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKafkaClient, KafkaStartupError } from '../src/index.js';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('KafkaStartupError', () => {
  it('says in one line that no broker answered, naming the brokers', async () => {
    const brokers = [`127.0.0.1:${await closedPort()}`];
    const producer = createKafkaClient({ brokers, logLevel: 'nothing', retry: { retries: 1, initialRetryTime: 50 } }).producer();
    const failure = await producer.connect().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).not.toBeNull();
    const error = new KafkaStartupError(failure, { brokers, idempotent: false });
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(`Cannot start on Kafka at ${brokers[0]}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('check KAFKA_BROKERS and that the brokers are up');
    expect(error.cause).toBe(failure);
  });
});
