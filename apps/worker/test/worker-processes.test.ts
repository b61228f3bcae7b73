import { uniqueName } from '@authsvc/adapter-kafka/testing';
import { freePort } from '@authsvc/testing-postgres';
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

/** A /readyz answer. */
interface Readiness {
  readonly status: number;
  readonly body: { status: string; checks: Record<string, string> };
}

async function readyz(port: number): Promise<Readiness> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

function pick<K extends string>(env: Record<string, string>, ...names: K[]): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, env[name]!])) as Record<K, string>;
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
    const problems = child
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('{'));
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

  /** The partitions a worker holds in each group, from its last join of that group, or null before its first. */
  function holding(child: ChildWorker): Map<string, number[]> {
    const held = new Map<string, number[]>();
    for (const line of child.logLines()) {
      if (line.msg === 'consumer joined its group') held.set(line['groupId'] as string, line['partitions'] as number[]);
    }
    return held;
  }

  /** Every partition of `group` a worker was given in any of its joins. */
  function everHeld(child: ChildWorker, group: string): number[] {
    return child
      .logLines()
      .filter((line) => line.msg === 'consumer joined its group' && line['groupId'] === group)
      .flatMap((line) => line['partitions'] as number[]);
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
      await eventually(
        async () => (await groupsHandled(b, ports.b)).size === 2 && alive(a, 'A'),
        'worker B to handle records of both groups',
        90_000,
      );
    } finally {
      await stopLogins();
    }
    await allAudited();
    expect(alive(a, 'A') && alive(b, 'B')).toBe(true);
    const groups = Object.values(pick(h.workerEnv(), 'AUDIT_GROUP_ID', 'CLEANUP_GROUP_ID'));
    await eventually(
      async () => (await readyz(ports.a)).status === 200 && (await readyz(ports.b)).status === 200,
      'both workers ready',
      60_000,
    );
    for (const group of groups) {
      const [ofA, ofB] = [holding(a).get(group) ?? [], holding(b).get(group) ?? []];
      expect(ofB.length, `B holds partitions of ${group}`).toBeGreaterThan(0);
      expect(ofA.length, `A holds partitions of ${group}`).toBeGreaterThan(0);
      expect(ofA.filter((partition) => ofB.includes(partition))).toEqual([]);
    }
    const restarts = (child: ChildWorker) => child.logLines().filter((line) => line.msg === 'consumer crashed, restarting').length;
    console.info(`consumer restarts during the join: A ${restarts(a)}, B ${restarts(b)}`);
  }, 300_000);

  it("hands a SIGKILLed worker's partitions to the other one within the session and rebalance timeouts, auditing every event once", async () => {
    const groups = Object.values(pick(h.workerEnv(), 'AUDIT_GROUP_ID', 'CLEANUP_GROUP_ID'));
    // Every partition either worker was ever given: A alone was given all of them. The last joins
    // would not do: in a rebalance still under way, a partition can be in neither worker's.
    const all = new Map(groups.map((group) => [group, [...new Set([...everHeld(a, group), ...everHeld(b, group)])].sort()]));
    const stopLogins = steadyLogins();
    let takeoverMs: number;
    try {
      const killedAt = Date.now();
      await b.kill();
      await eventually(
        () => alive(a, 'A') && groups.every((group) => (holding(a).get(group) ?? []).length === all.get(group)!.length),
        'worker A to hold every partition of both groups',
        90_000,
      ).catch((error: unknown) => {
        // Say what A did meanwhile, so a failure can be read from the run's output.
        const joins = a
          .logLines()
          .filter((line) => line.msg === 'consumer joined its group' || line.msg === 'consumer crashed, restarting');
        throw new Error(`${(error as Error).message}; expected ${JSON.stringify([...all])}; A logged ${JSON.stringify(joins.slice(-8))}`, {
          cause: error,
        });
      });
      takeoverMs = Date.now() - killedAt;
    } finally {
      await stopLogins();
    }
    await allAudited();
    for (const group of groups) expect([...holding(a).get(group)!].sort()).toEqual(all.get(group));
    // The broker notices the silent member after the session timeout and then gives the group up
    // to the rebalance timeout to re-form (plus the mock's 1 s session check); 74 s before this fix.
    const { KAFKA_SESSION_TIMEOUT_MS: session, KAFKA_REBALANCE_TIMEOUT_MS: rebalance } = pick(
      h.workerEnv(),
      'KAFKA_SESSION_TIMEOUT_MS',
      'KAFKA_REBALANCE_TIMEOUT_MS',
    );
    console.info(`takeover after SIGKILL: ${takeoverMs} ms (session ${session} ms, rebalance ${rebalance} ms)`);
    expect(takeoverMs).toBeLessThan(Number(session) + Number(rebalance) + 1_000);
    expect((await readyz(ports.a)).status).toBe(200);
  }, 180_000);
});

describe('worker readiness', () => {
  it('is 503 until its consumers joined their groups, then 200; 503 again while they restart after the brokers went away', async () => {
    const port = await freePort();
    // Groups of its own: their first join takes the mock's initial rebalance delay (3 s).
    const c = worker({ METRICS_PORT: String(port), AUDIT_GROUP_ID: uniqueName('audit'), CLEANUP_GROUP_ID: uniqueName('cleanup') });
    const answers: Readiness[] = [];
    await eventually(
      async () => {
        alive(c, 'C');
        const answer = await readyz(port).catch(() => null);
        if (answer) answers.push(answer);
        return answer?.status === 200;
      },
      'worker C to be ready',
      60_000,
    );
    // The relay's producer may still be connecting when the first answer comes.
    expect(answers[0]).toEqual({
      status: 503,
      body: {
        status: 'not ready',
        checks: {
          relay: expect.stringMatching(/^(ok|failing)$/),
          audit: 'failing',
          cleanup: 'failing',
          mailer: expect.stringMatching(/^(ok|failing)$/),
        },
      },
    });
    expect(answers.at(-1)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { relay: 'ok', audit: 'ok', cleanup: 'ok', mailer: 'ok' } },
    });

    // Last in the file: the brokers do not come back.
    await h.kafka.stop();
    const consumersDown = async (): Promise<boolean> => {
      const { status, body } = await readyz(port);
      return alive(c, 'C') && status === 503 && body.checks['audit'] === 'failing' && body.checks['cleanup'] === 'failing';
    };
    await eventually(consumersDown, 'both consumers of worker C to be reported failing without brokers', 120_000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(c.logLines().some((line) => line.msg === 'consumer crashed, restarting')).toBe(true);
  }, 240_000);
});
