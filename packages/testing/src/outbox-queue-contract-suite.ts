import type { DomainEvent, OutboxQueue } from '@authsvc/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventId, loggedInEvent } from './event-mothers.js';

/** An outbox queue under test, with ways to fill the outbox and to read what it still holds. */
export interface OutboxQueueUnderTest {
  /** A relay's queue; every call returns another relay's queue over the same outbox. */
  queue(): OutboxQueue;
  /** Appends events to the outbox, as a use case's transaction would. */
  append(events: readonly DomainEvent[]): Promise<void>;
  /** The events still in the outbox, oldest first. */
  remaining(): Promise<DomainEvent[]>;
}

/**
 * The behaviour every `OutboxQueue` must have, run against the in-memory fake and the PostgreSQL
 * adapter. `setup` is called before each test and must return an empty outbox.
 */
export function describeOutboxQueueContract(name: string, setup: () => Promise<OutboxQueueUnderTest>): void {
  describe(`outbox queue contract: ${name}`, () => {
    const five = [1, 2, 3, 4, 5].map((n) => loggedInEvent(n, n % 3 === 0 ? null : n));
    let subject: OutboxQueueUnderTest;
    beforeEach(async () => {
      subject = await setup();
      await subject.append(five);
    });

    it('delivers the oldest events in order and removes them only after delivery', async () => {
      const queue = subject.queue();
      const delivered: string[][] = [];
      const record = async (events: readonly DomainEvent[]) => void delivered.push(events.map((e) => e.id));
      expect(await queue.deliverOldest(3, record)).toEqual({ kind: 'published', count: 3 });
      expect(await queue.deliverOldest(3, record)).toEqual({ kind: 'published', count: 2 });
      expect(await queue.deliverOldest(3, async () => expect.fail('nothing left to deliver'))).toEqual({ kind: 'published', count: 0 });
      expect(delivered).toEqual([
        [eventId(1), eventId(2), eventId(3)],
        [eventId(4), eventId(5)],
      ]);
      expect(await subject.remaining()).toEqual([]);
    });

    it('keeps a batch whose delivery failed, to deliver it again', async () => {
      const queue = subject.queue();
      await expect(queue.deliverOldest(2, async () => Promise.reject(new Error('broker down')))).rejects.toThrow('broker down');
      expect(await subject.remaining()).toEqual(five);
      const again: DomainEvent[] = [];
      await queue.deliverOldest(2, async (events) => void again.push(...events));
      expect(again).toEqual(five.slice(0, 2));
    });

    it('keeps events appended during a delivery behind the batch', async () => {
      const queue = subject.queue();
      await queue.deliverOldest(2, async () => subject.append([loggedInEvent(6, 6)]));
      expect((await subject.remaining()).map((e) => e.id)).toEqual([3, 4, 5, 6].map(eventId));
    });

    it('lets one relay deliver at a time: another stands by and touches nothing', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = subject.queue().deliverOldest(2, async () => {
        entered();
        await held;
      });
      await inside;
      const other = subject.queue();
      expect(await other.deliverOldest(2, async () => expect.fail('a standby relay must not deliver'))).toEqual({ kind: 'standby' });
      release();
      expect(await first).toEqual({ kind: 'published', count: 2 });
      const next: string[] = [];
      expect(await other.deliverOldest(5, async (events) => void next.push(...events.map((e) => e.id)))).toEqual({
        kind: 'published',
        count: 3,
      });
      expect(next).toEqual([3, 4, 5].map(eventId));
    });
  });
}
