import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { readKafkaVariables } from '@authsvc/runtime';

/** A Kafka cluster for tests: librdkafka's in-process mock run by kcat, or a real one from `KAFKA_BROKERS`. */
export interface MockKafka {
  /** Bootstrap servers (`host:port`) to hand to clients. */
  readonly brokers: string[];
  /** Whether producers may be idempotent here: false on the mock, which fails the controller calls it needs. */
  readonly idempotent: boolean;
  /** True on the kcat mock, where `pause`/`resume` work; false on a real cluster. */
  readonly canPause: boolean;
  /** Freezes every broker (SIGSTOP): connections stay open but nothing answers, a clean outage. */
  pause(): void;
  /** Lets the brokers answer again (SIGCONT). */
  resume(): void;
  /** Kills the kcat child (only it, by its PID); a no-op for a real cluster. */
  stop(): Promise<void>;
}

/** Options of `startMockKafka`. */
export interface StartMockKafkaOptions {
  /** Brokers in the mock cluster. Default 3, so partition leaders are spread as on a real cluster. */
  readonly numBrokers?: number;
  /** How long to wait for kcat to report its bootstrap servers. Default 10 s. */
  readonly startTimeoutMs?: number;
  /** Environment to read `KAFKA_BROKERS` and `KAFKA_IDEMPOTENT` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** kcat could not be started or did not start a mock cluster. */
export class MockKafkaError extends Error {
  override readonly name = 'MockKafkaError';
}

// librdkafka prints the bootstrap list in a notice ("... replaced with H:P,...") and, with
// `-d mock`, in a debug line ("bootstrap.servers=H:P,..."); accept either wording.
const BOOTSTRAP = /(?:bootstrap\.servers=|replaced with )((?:[\w.-]+:\d+)(?:,[\w.-]+:\d+)*)/;

// Children still alive when the test process exits are killed, so a failed test leaves no broker behind.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const running of live) {
      try {
        if (running.pid !== undefined) process.kill(running.pid, 'SIGKILL');
      } catch {
        // Already gone between its exit and our hearing of it: nothing left to clean up.
      }
    }
  });
}

function externalCluster(env: Readonly<Record<string, string | undefined>>): MockKafka {
  // Read as the worker reads them, so a real cluster the tests are pointed at is taken alike.
  const variables = readKafkaVariables(env);
  const cannotPause = (): never => {
    throw new MockKafkaError('pause/resume need the kcat mock; KAFKA_BROKERS points at a real cluster (check canPause)');
  };
  return {
    brokers: variables.KAFKA_BROKERS,
    idempotent: variables.KAFKA_IDEMPOTENT,
    canPause: false,
    pause: cannotPause,
    resume: cannotPause,
    stop: async () => undefined,
  };
}

/**
 * Gives tests a Kafka cluster. With `KAFKA_BROKERS` set, returns those brokers (a real cluster, not
 * stopped here). Otherwise spawns `kcat -b unused:1 -C -t warmup -X test.mock.num.brokers=N`,
 * whose librdkafka runs a mock cluster speaking the Kafka protocol on loopback ports.
 */
export async function startMockKafka(options: StartMockKafkaOptions = {}): Promise<MockKafka> {
  const env = options.env ?? process.env;
  if (env['KAFKA_BROKERS']?.trim()) return externalCluster(env);

  const numBrokers = options.numBrokers ?? 3;
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  // `-d mock` is left out: it logs every request, and the stderr pipe would have to be drained of it.
  const args = ['-b', 'unused:1', '-C', '-t', 'warmup', '-X', `test.mock.num.brokers=${numBrokers}`];
  const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] });

  const brokers = await new Promise<string[]>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      fail(new MockKafkaError(`kcat printed no bootstrap servers within ${startTimeoutMs} ms; stderr:\n${stderr}`));
      child.kill('SIGKILL');
    }, startTimeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      fail(
        error.code === 'ENOENT'
          ? new MockKafkaError('kcat is not installed: install the Debian package `kcat` (apt-get install -y kcat) or set KAFKA_BROKERS')
          : new MockKafkaError(`could not start kcat: ${error.message}`),
      );
    });
    child.once('exit', (code, signal) => {
      fail(new MockKafkaError(`kcat exited (${signal ?? `code ${code}`}) before starting a mock cluster; stderr:\n${stderr}`));
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      // Keep reading after the match too: an unread pipe would block kcat, and with it the brokers.
      if (stderr.length < 64_000) stderr += chunk;
      const match = BOOTSTRAP.exec(stderr);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(match[1].split(','));
    });
  });

  track(child);
  const pid = child.pid;
  if (pid === undefined) throw new MockKafkaError('kcat started without a PID');
  // The broker must not keep the test process alive if a suite forgets to stop it.
  child.unref();
  (child.stderr as Socket | null)?.unref();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signal = (name: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, name);
  };

  return {
    brokers,
    idempotent: false,
    canPause: true,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    stop: async () => {
      // SIGKILL, because a stopped process would hold a SIGTERM until it is continued.
      signal('SIGKILL');
      await exited;
    },
  };
}

/** A name no other test (or earlier run against a real cluster) uses, for topics and group ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}.${randomBytes(4).toString('hex')}`;
}
