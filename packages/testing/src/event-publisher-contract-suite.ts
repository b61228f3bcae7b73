import type { DomainEvent, EventPublisher } from '@authsvc/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loggedInEvent } from './event-mothers.js';

/** A publisher under test, with a way to read what its subscribers received. */
export interface EventPublisherUnderTest {
  readonly publisher: EventPublisher;
  /** Waits until subscribers have received at least `count` events and returns them, in arrival order. */
  received(count: number): Promise<DomainEvent[]>;
  /** Releases what the setup started. */
  close?(): Promise<void>;
}

/**
 * The behaviour every `EventPublisher` must have, run against the in-memory fake, the embedded
 * dispatcher and Kafka. `setup` is called before each test and must return a publisher whose
 * subscribers have received nothing yet.
 */
export function describeEventPublisherContract(name: string, setup: () => Promise<EventPublisherUnderTest>): void {
  describe(`event publisher contract: ${name}`, () => {
    let subject: EventPublisherUnderTest;
    beforeEach(async () => {
      subject = await setup();
    });
    afterEach(async () => {
      await subject.close?.();
    });

    it('delivers every event of a batch once it resolves, whole and in order for each user', async () => {
      const batch = Array.from({ length: 12 }, (_, i) => loggedInEvent(i + 1, (i % 3) + 1));
      await subject.publisher.publish(batch);
      const received = await subject.received(batch.length);
      expect([...received].sort((a, b) => a.id.localeCompare(b.id))).toEqual(batch);
      for (const user of [1, 2, 3]) {
        expect(received.filter((e) => e.userId === user).map((e) => e.id)).toEqual(batch.filter((e) => e.userId === user).map((e) => e.id));
      }
    });

    it('keeps the order of one user across batches', async () => {
      const events = Array.from({ length: 6 }, (_, i) => loggedInEvent(i + 1, 9));
      await subject.publisher.publish(events.slice(0, 3));
      await subject.publisher.publish(events.slice(3));
      expect((await subject.received(6)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('resolves at once for an empty batch', async () => {
      await subject.publisher.publish([]);
      await subject.publisher.publish([loggedInEvent(1, 1)]);
      expect(await subject.received(1)).toEqual([loggedInEvent(1, 1)]);
    });
  });
}
