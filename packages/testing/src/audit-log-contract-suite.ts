import type { AuditLog } from '@authsvc/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { loggedInEvent, loginFailedEvent, registeredEvent, second } from './event-mothers.js';

/**
 * The behaviour every `AuditLog` must have, run against the in-memory fake and the PostgreSQL
 * adapter. `setup` is called before each test and must return an empty log.
 */
export function describeAuditLogContract(name: string, setup: () => Promise<AuditLog>): void {
  describe(`audit log contract: ${name}`, () => {
    let audit: AuditLog;
    beforeEach(async () => {
      audit = await setup();
    });

    it('stores an event once, however often or concurrently it is delivered', async () => {
      const event = loggedInEvent(1, 7);
      expect(await audit.append(event)).toBe(true);
      expect(await audit.append(event)).toBe(false);
      const twice = await Promise.all([audit.append(loggedInEvent(2, 7)), audit.append(loggedInEvent(2, 7))]);
      expect([...twice].sort()).toEqual([false, true]);
      expect(await audit.listFor({ userId: 7, email: 'x@example.com' })).toEqual([event, loggedInEvent(2, 7)]);
    });

    it("lists a user's events and the failed logins with their email in any form, oldest first, the newest N", async () => {
      const events = [
        loginFailedEvent(1, null, ' ADA@example.com'),
        registeredEvent(2, 1, 'ada@example.com'),
        loggedInEvent(3, 1),
        loginFailedEvent(4, 1, 'ada@example.com'),
        loggedInEvent(5, 2),
        loginFailedEvent(6, null, 'bob@example.com'),
      ];
      // Delivered out of order: the listing follows occurredAt, not arrival.
      for (const event of [...events].reverse()) await audit.append(event);
      expect(await audit.listFor({ userId: 1, email: 'Ada@Example.com' })).toEqual(events.slice(0, 4));
      expect(await audit.listFor({ userId: 1, email: 'ada@example.com' }, 2)).toEqual(events.slice(2, 4));
      expect(await audit.listFor({ userId: null, email: 'bob@example.com' }, 100)).toEqual([events[5]]);
      expect(await audit.listFor({ userId: null, email: 'nobody@example.com' })).toEqual([]);
      expect(await audit.listFor({ userId: 1, email: 'ada@example.com' }, 0)).toEqual([]);
    });

    it('orders events of the same instant by arrival', async () => {
      const first = loggedInEvent(1, 3, second(9));
      const later = loggedInEvent(2, 3, second(9));
      await audit.append(first);
      await audit.append(later);
      expect((await audit.listFor({ userId: 3, email: '-' })).map((e) => e.id)).toEqual([first.id, later.id]);
    });
  });
}
