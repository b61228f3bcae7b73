import { freePort } from '@authsvc/adapter-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type ChildWorker } from './child-worker.js';
import { eventually, startHarness, type Harness } from './support.js';

// Workers as deployed: `node dist/main.js` processes side by side on the mock cluster, sharing
// one database, one topic and one pair of consumer groups, with the API writing the outbox.
let h: Harness;
const children: ChildWorker[] = [];
const context = { ip: '127.0.0.1', userAgent: 'vitest', requestId: null };

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await Promise.allSettled(children.map((child) => child.kill()));
  await h?.stop();
});

/** Starts a worker process on the harness; `env` overrides its settings. */
function worker(env: Record<string, string> = {}): ChildWorker {
  const child = spawnWorker(h.workerEnv({ LOG_LEVEL: 'info', ...env }));
  children.push(child);
  return child;
}

/** Fails naming the process's output if it ended. */
function alive(child: ChildWorker, name: string): boolean {
  const exit = child.exit();
  if (exit !== null) throw new Error(`worker ${name} exited (${exit.signal ?? `code ${exit.code}`}):\n${child.output()}`);
  return true;
}

const started = (child: ChildWorker, name: string) => () =>
  alive(child, name) && child.logLines().some((line) => line.msg === 'worker started');

describe('worker start-up', () => {
  it('names the brokers and the fix in one line when the idempotent producer finds no controller', async () => {
    const env = h.workerEnv({ LOG_LEVEL: 'info' });
    delete env['KAFKA_IDEMPOTENT'];
    const child = spawnWorker(env);
    children.push(child);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      child.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the worker did not exit within 60 s:\n${child.output()}`)), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(exit.code).toBe(1);
    const problems = child.output().split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(h.kafka.brokers.join(','));
    expect(problems[0]).toContain('KAFKA_IDEMPOTENT=false');
  });
});

describe('workers side by side', () => {
  const users: string[] = [];
  let events = 0;

  /** Logs a user in (one event); the users share the topic's partitions among them by their ids. */
  async function login(i: number): Promise<void> {
    const email = users[i % users.length]!;
    if (!(await h.api.service.login({ email, password: 'Password123' }, context)).ok) throw new Error(`could not log in ${email}`);
    events += 1;
  }

  /** Waits until every event written so far was audited, once each. */
  async function allAudited(): Promise<void> {
    const rows = async () => h.database.db.selectFrom('audit_log').select('event_id').execute();
    await eventually(async () => (await rows()).length >= events, `${events} audit rows`, 60_000);
    const audited = (await rows()).map((row) => row.event_id);
    expect(audited).toHaveLength(events);
    expect(new Set(audited).size).toBe(events);
  }

  /** Keeps logging users in, one every 50 ms, until the returned function is called (at most 2 minutes). */
  function steadyLogins(): () => Promise<void> {
    let running = true;
    const loop = (async () => {
      for (let i = 0; running && i < 2_400; i++) {
        await login(i);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  /** The groups a worker handled records of, read from its consumer lag metrics. */
  async function groupsHandled(child: ChildWorker, port: number): Promise<Set<string>> {
    alive(child, `on :${port}`);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return new Set([...text.matchAll(/^authsvc_consumer_lag_messages\{group="([^"]+)"/gm)].map((match) => match[1]!));
  }

  let a: ChildWorker;
  let b: ChildWorker;
  const ports = { a: 0, b: 0 };

  beforeAll(async () => {
    for (let i = 0; i < 8; i++) {
      const email = `side${i}@example.com`;
      const registered = await h.api.service.register({ firstName: 'Side', lastName: String(i), email, password: 'Password123' }, context);
      if (!registered.ok) throw new Error(`could not register ${email}`);
      users.push(email);
      events += 1;
    }
    [ports.a, ports.b] = [await freePort(), await freePort()];
  });

  it('lets a second worker join both groups of a running one and take partitions, auditing every event once', async () => {
    a = worker({ METRICS_PORT: String(ports.a) });
    await eventually(started(a, 'A'), 'worker A to start', 90_000);
    await allAudited();

    const stopLogins = steadyLogins();
    try {
      b = worker({ METRICS_PORT: String(ports.b) });
      await eventually(started(b, 'B'), 'worker B to start', 90_000);
      await eventually(async () => (await groupsHandled(b, ports.b)).size === 2 && alive(a, 'A'), 'worker B to handle records of both groups', 90_000);
    } finally {
      await stopLogins();
    }
    await allAudited();
    expect(alive(a, 'A') && alive(b, 'B')).toBe(true);
  }, 300_000);
});
