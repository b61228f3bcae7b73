import { createKafkaEventPublisher, eventKey, type KafkaEventPublisher } from '@authsvc/adapter-kafka';
import { testClientOptions } from '@authsvc/adapter-kafka/testing';
import { KyselyOutboxQueue, readOutbox } from '@authsvc/adapter-postgres';
import { parseEvent, type AuthEvent } from '@authsvc/contracts';
import type { DomainEvent, EventPublisher } from '@authsvc/domain';
import { OutboxRelay } from '@authsvc/event-pipeline';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sendSentinels, startHarness, startTopicRecorder, type Harness, type TopicRecorder } from './support.js';

// This file's worker runs the consumers and the cleanup schedule but no relay: the tests drive
// relays themselves, one with an injected fault, two side by side.
let h: Harness;
let recorder: TopicRecorder;
let kafkaPublisher: KafkaEventPublisher;
const context = { ip: '127.0.0.1', userAgent: 'vitest', requestId: null };

beforeAll(async () => {
  h = await startHarness();
  kafkaPublisher = createKafkaEventPublisher(
    { brokers: h.kafka.brokers, clientId: 'relay-test', topic: h.topic, idempotent: h.kafka.idempotent },
    testClientOptions,
  );
  [recorder] = await Promise.all([
    startTopicRecorder(h.kafka.brokers, [h.topic]),
    h.startWorker({ WORKER_ROLES: 'audit,cleanup', TOKEN_CLEANUP_INTERVAL_MS: '200' }),
  ]);
});
afterAll(async () => {
  await recorder?.stop();
  await kafkaPublisher?.disconnect();
  await h?.stop();
});

const onKafka = (): AuthEvent[] =>
  recorder.of(h.topic).flatMap((record) => {
    const parsed = parseEvent(record.value!);
    return parsed.ok ? [parsed.value] : [];
  });
const auditedIds = async (): Promise<string[]> =>
  (await h.database.db.selectFrom('audit_log').select('event_id').orderBy('seq').execute()).map((row) => row.event_id);

/** Sentinels behind the partitions of `events`, seen by the recorder and the audit consumer. */
const sentinelsBehind = (events: readonly DomainEvent[]): Promise<Set<string>> =>
  sendSentinels({ kafka: h.kafka, topic: h.topic, recorder, auditedIds }, events.map(eventKey));

async function registerAndLogin(name: string, logins: number): Promise<number> {
  const email = `${name}@example.com`;
  const registered = await h.api.service.register({ firstName: name, lastName: 'Test', email, password: 'Password123' }, context);
  if (!registered.ok) throw new Error(`could not register ${email}`);
  for (let i = 0; i < logins; i++) {
    if (!(await h.api.service.login({ email, password: 'Password123' }, context)).ok) throw new Error(`could not log in ${email}`);
  }
  return registered.value.id;
}

describe('outbox relay faults', () => {
  it('republishes a batch whose relay died after publishing but before deleting, and the audit consumer absorbs the duplicate', async () => {
    await registerAndLogin('ada', 2);
    await registerAndLogin('bea', 1);
    const writtenEvents = (await readOutbox(h.database.db)).map((entry) => entry.event);
    const written = writtenEvents.map((event) => event.id);
    expect(written).toHaveLength(5);

    // The fault lands exactly between the broker's acknowledgement and the delete, as a kill would.
    const dying: EventPublisher = {
      publish: async (events) => {
        await kafkaPublisher.publish(events);
        throw new Error('relay killed before marking');
      },
    };
    const doomed = new OutboxRelay({ queue: new KyselyOutboxQueue(h.database.db), publisher: dying });
    await expect(doomed.runOnce()).rejects.toThrow('relay killed before marking');
    expect((await readOutbox(h.database.db)).map((entry) => entry.event.id)).toEqual(written);
    await eventually(async () => (await auditedIds()).length === 5, 'the first copies to be audited');

    const successor = new OutboxRelay({ queue: new KyselyOutboxQueue(h.database.db), publisher: kafkaPublisher });
    expect(await successor.runOnce()).toEqual({ kind: 'published', count: 5 });
    expect(await readOutbox(h.database.db)).toEqual([]);

    // Once the sentinels behind the duplicates are seen, so are the duplicates: nothing can still come.
    await sentinelsBehind(writtenEvents);

    const copies = new Map<string, number>();
    for (const event of onKafka()) copies.set(event.id, (copies.get(event.id) ?? 0) + 1);
    expect(written.map((id) => copies.get(id))).toEqual([2, 2, 2, 2, 2]);
    const audited = (await auditedIds()).filter((id) => written.includes(id));
    expect(audited).toHaveLength(5);
    expect(new Set(audited).size).toBe(5);
  });

  it('lets two relays run side by side without publishing an event twice or out of order per user', async () => {
    const users = await Promise.all(['cal', 'dan', 'eli', 'fox'].map((name) => registerAndLogin(name, 6)));
    const written = (await readOutbox(h.database.db)).map((entry) => entry.event);
    expect(written).toHaveLength(4 * 7);

    const relays = [1, 2].map(
      () => new OutboxRelay({ queue: new KyselyOutboxQueue(h.database.db), publisher: kafkaPublisher, batchSize: 3, pollIntervalMs: 5 }),
    );
    relays.forEach((relay) => relay.start());
    try {
      await eventually(async () => (await readOutbox(h.database.db)).length === 0, 'the two relays to drain the outbox');
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
    }
    await sentinelsBehind(written);
    const writtenIds = new Set(written.map((event) => event.id));
    const published = onKafka().filter((event) => writtenIds.has(event.id));
    expect(published).toHaveLength(written.length);
    for (const userId of users) {
      expect(published.filter((e) => e.userId === userId).map((e) => e.id)).toEqual(
        written.filter((e) => e.userId === userId).map((e) => e.id),
      );
    }
  });

  it('purges expired tokens on its schedule, with no event to set it off', async () => {
    await registerAndLogin('gil', 2);
    const tokenCount = async () => (await h.database.db.selectFrom('tokens').select('digest').execute()).length;
    const live = await tokenCount();
    expect(live).toBeGreaterThan(0);
    h.clock.advance(86_401);
    await eventually(async () => (await tokenCount()) === 0, 'the scheduled sweep');
    // This worker runs no relay, so what the sweep recorded is still in the outbox.
    const purged = (await readOutbox(h.database.db)).map((entry) => entry.event).filter((event) => event.type === 'tokens.purged');
    expect(purged.reduce((sum, event) => sum + (event.type === 'tokens.purged' ? event.data.count : 0), 0)).toBe(live);
  });

  it('publishes an event at once when its outbox write commits, though its relay polls once a minute', async () => {
    const relayWorker = await h.startWorker({ WORKER_ROLES: 'relay', RELAY_POLL_INTERVAL_MS: '60000' });
    try {
      await eventually(async () => {
        const { rows } = await sql<{ pid: number }>`
          select pid from pg_stat_activity
          where datname = current_database() and application_name = 'authsvc-worker-outbox-listener' and query ilike 'LISTEN %'
        `.execute(h.database.db);
        return rows.length === 1 && (await readOutbox(h.database.db)).length === 0;
      }, 'the listener to listen and the outbox to be empty');
      // The relay now waits for a poll a minute away: only the notification can bring these out in time.
      const id = await registerAndLogin('cai', 1);
      await eventually(() => onKafka().filter((event) => event.userId === id).length === 2, 'the two events on Kafka', 10_000);
    } finally {
      await relayWorker.stop();
    }
  });
});
