import type { DomainEvent } from '@authsvc/domain';
import { inMemoryAuth, InMemoryAuditLog, InMemoryEventPublisher, InMemoryOutboxQueue } from '@authsvc/testing';
import { describe, expect, it } from 'vitest';
import {
  auditHandler,
  InProcessEventDispatcher,
  OutboxRelay,
  startEmbeddedEvents,
  TokenCleanup,
  type InProcessDeadLetter,
} from '../src/index.js';

const context = { ip: '127.0.0.1', userAgent: 'vitest', requestId: 'r1' };

async function eventually(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function withUsers() {
  const auth = inMemoryAuth({ tokenTtlSeconds: 60 });
  await auth.service.register({ firstName: 'A', lastName: 'A', email: 'a@example.com', password: 'Password123' }, context);
  await auth.service.register({ firstName: 'B', lastName: 'B', email: 'b@example.com', password: 'Password123' }, context);
  return auth;
}

describe('OutboxRelay', () => {
  it('publishes the outbox in order, in batches, and empties it', async () => {
    const auth = await withUsers();
    for (let i = 0; i < 3; i++) await auth.service.login({ email: 'a@example.com', password: 'Password123' }, context);
    const written = [...auth.store.state.outbox];
    const publisher = new InMemoryEventPublisher();
    const relay = new OutboxRelay({ queue: new InMemoryOutboxQueue(auth.store), publisher, batchSize: 2, pollIntervalMs: 5 });
    relay.start();
    await eventually(() => auth.store.state.outbox.length === 0, 'the outbox to drain');
    await relay.stop();
    expect(publisher.published).toEqual(written);
  });

  it('keeps events while the publisher fails, retries with growing backoff, and loses none', async () => {
    const auth = await withUsers();
    const publisher = new InMemoryEventPublisher();
    publisher.outage = new Error('broker unreachable');
    const delays: number[] = [];
    const relay = new OutboxRelay({
      queue: new InMemoryOutboxQueue(auth.store),
      publisher,
      pollIntervalMs: 5,
      initialBackoffMs: 5,
      maxBackoffMs: 40,
      onError: (_error, retryInMs) => delays.push(retryInMs),
    });
    relay.start();
    await eventually(() => publisher.refusals >= 6, 'several failed attempts');
    expect(auth.store.state.outbox).toHaveLength(2);
    expect(delays.slice(0, 6)).toEqual([5, 10, 20, 40, 40, 40]);
    await auth.service.login({ email: 'b@example.com', password: 'Password123' }, context);
    const written = [...auth.store.state.outbox];
    publisher.outage = null;
    await eventually(() => auth.store.state.outbox.length === 0, 'the backlog to drain');
    await relay.stop();
    expect(publisher.published).toEqual(written);
  });

  it('relays at once when woken, however long its poll interval', async () => {
    const auth = await withUsers();
    const publisher = new InMemoryEventPublisher();
    const relay = new OutboxRelay({ queue: new InMemoryOutboxQueue(auth.store), publisher, pollIntervalMs: 60_000 });
    relay.start();
    try {
      await eventually(() => publisher.published.length === 2, 'the registrations');
      // The relay now waits for a poll a minute away: only the wake can bring this login out.
      await auth.service.login({ email: 'a@example.com', password: 'Password123' }, context);
      relay.wake();
      await eventually(() => publisher.published.length === 3, 'the login, after the wake', 10_000);
    } finally {
      await relay.stop();
    }
  });

  it('runs another batch at once when woken during one, as its batch may have missed the new rows', async () => {
    const auth = await withUsers();
    const published: DomainEvent[] = [];
    let woke = false;
    const relay: OutboxRelay = new OutboxRelay({
      queue: new InMemoryOutboxQueue(auth.store),
      publisher: {
        publish: async (events) => {
          published.push(...events);
          if (woke) return;
          woke = true;
          // Written and committed while this batch is in hand, so not in it.
          await auth.service.login({ email: 'b@example.com', password: 'Password123' }, context);
          relay.wake();
        },
      },
      pollIntervalMs: 60_000,
    });
    relay.start();
    try {
      await eventually(() => published.length === 3, 'the login written during the first batch', 10_000);
      expect(published.map((e) => e.type)).toEqual(['user.registered', 'user.registered', 'user.logged_in']);
    } finally {
      await relay.stop();
    }
  });

  it('keeps its backoff when woken while the publisher fails', async () => {
    const auth = await withUsers();
    const publisher = new InMemoryEventPublisher();
    publisher.outage = new Error('broker unreachable');
    const relay = new OutboxRelay({
      queue: new InMemoryOutboxQueue(auth.store),
      publisher,
      initialBackoffMs: 60_000,
      onError: () => relay.wake(),
    });
    relay.start();
    await eventually(() => publisher.refusals === 1, 'the first refusal');
    relay.wake();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await relay.stop();
    expect(publisher.refusals).toBe(1);
  });

  it('stops promptly even with a long poll interval', async () => {
    const auth = inMemoryAuth();
    const relay = new OutboxRelay({
      queue: new InMemoryOutboxQueue(auth.store),
      publisher: new InMemoryEventPublisher(),
      pollIntervalMs: 60_000,
    });
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await relay.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('InProcessEventDispatcher', () => {
  it('runs every handler on every event in order, retries a failing one, then dead-letters it and goes on', async () => {
    const auth = await withUsers();
    const [first, second] = auth.store.state.outbox;
    const seen: string[] = [];
    const letters: InProcessDeadLetter[] = [];
    let attempts = 0;
    const dispatcher = new InProcessEventDispatcher(
      {
        audit: async (event) => void seen.push(`audit ${event.id}`),
        flaky: async (event) => {
          if (event.id === first!.id) {
            attempts += 1;
            throw new Error('always fails');
          }
          seen.push(`flaky ${event.id}`);
        },
      },
      { maxAttempts: 3, initialBackoffMs: 1, onDeadLetter: (letter) => letters.push(letter) },
    );
    await dispatcher.publish([first!, second!]);
    expect(seen).toEqual([`audit ${first!.id}`, `audit ${second!.id}`, `flaky ${second!.id}`]);
    expect(attempts).toBe(3);
    expect(letters).toEqual([expect.objectContaining({ handler: 'flaky', event: first, attempts: 3 })]);
  });
});

describe('TokenCleanup', () => {
  it('sweeps expired tokens on token.expired, in bounded batches, recording tokens.purged per user', async () => {
    const auth = await withUsers();
    for (let i = 0; i < 5; i++) await auth.service.login({ email: 'a@example.com', password: 'Password123' }, context);
    for (let i = 0; i < 2; i++) await auth.service.login({ email: 'b@example.com', password: 'Password123' }, context);
    auth.clock.advance(61);
    auth.store.state.outbox = [];
    const swept: number[] = [];
    const cleanup = new TokenCleanup({
      purge: auth.service.purgeExpiredTokens,
      batchSize: 2,
      maxBatches: 2,
      onSwept: (n) => swept.push(n),
    });

    await cleanup.handle({ ...(await tokenExpired(auth)), type: 'user.logged_in', data: {} });
    expect(auth.store.state.tokens.size).toBe(7);

    await cleanup.handle(await tokenExpired(auth));
    expect(swept).toEqual([4]);
    expect(auth.store.state.tokens.size).toBe(3);
    await cleanup.sweep();
    expect(auth.store.state.tokens.size).toBe(0);
    const purged = auth.store.state.outbox.filter((e) => e.type === 'tokens.purged');
    expect(purged.reduce((sum, e) => sum + (e.type === 'tokens.purged' ? e.data.count : 0), 0)).toBe(7);
    expect(new Set(purged.map((e) => e.userId))).toEqual(new Set([1, 2]));
  });

  it('sweeps on its schedule, and concurrent requests share one sweep', async () => {
    const auth = await withUsers();
    await auth.service.login({ email: 'a@example.com', password: 'Password123' }, context);
    let purges = 0;
    const cleanup = new TokenCleanup({
      purge: async (size, batches) => {
        purges += 1;
        return auth.service.purgeExpiredTokens(size, batches);
      },
      intervalMs: 10,
    });
    expect(await Promise.all([cleanup.sweep(), cleanup.sweep()])).toEqual([0, 0]);
    expect(purges).toBe(1);
    auth.clock.advance(86_401);
    cleanup.start();
    await eventually(() => auth.store.state.tokens.size === 0, 'a scheduled sweep');
    await cleanup.stop();
  });
});

async function tokenExpired(auth: Awaited<ReturnType<typeof withUsers>>): Promise<DomainEvent> {
  return {
    id: crypto.randomUUID(),
    type: 'token.expired',
    version: 1,
    occurredAt: auth.clock.now(),
    userId: 1,
    metadata: context,
    data: { expiredAt: auth.clock.now().toISOString() },
  };
}

describe('startEmbeddedEvents', () => {
  it('delivers the outbox to the audit log and reacts to token.expired, with no broker', async () => {
    const auth = await withUsers();
    const auditLog = new InMemoryAuditLog();
    const events = startEmbeddedEvents({
      queue: new InMemoryOutboxQueue(auth.store),
      auditLog,
      purgeExpiredTokens: auth.service.purgeExpiredTokens,
      pollIntervalMs: 5,
    });
    try {
      const login = await auth.service.login({ email: 'a@example.com', password: 'Password123' }, context);
      await auth.service.login({ email: 'b@example.com', password: 'Password123' }, context);
      auth.clock.advance(86_401);
      expect(login.ok && (await auth.service.authenticate(login.value.key, context)).ok).toBe(false);
      await events.flush();
      // The expiry event triggered a sweep, whose tokens.purged event is in the outbox next.
      await events.flush();
      expect(auth.store.state.tokens.size).toBe(0);
      expect(auditLog.events.map((e) => e.type)).toEqual([
        'user.registered',
        'user.registered',
        'user.logged_in',
        'user.logged_in',
        'token.expired',
        'tokens.purged',
      ]);
      // A redelivery is absorbed by the handler.
      await auditHandler(auditLog)(auditLog.events[0]!);
      expect(auditLog.events).toHaveLength(6);
    } finally {
      await events.stop();
    }
  });
});
