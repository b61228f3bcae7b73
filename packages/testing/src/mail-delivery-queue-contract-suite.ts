import type { Clock, MailDeliveryQueue, MailRequest, QueuedMail } from '@authsvc/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './fakes.js';

/** A stored email as an operator sees it: kind, recipient and status stay; the payload loses its secret once settled. */
export interface StoredMail {
  readonly id: string;
  readonly kind: string;
  readonly recipient: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly lastError: string | null;
  /** Whatever the queue still keeps of the request, in its stored form. */
  readonly payload: unknown;
}

/** A mail delivery queue under test, with ways to queue emails and to read the queue back. */
export interface MailDeliveryQueueUnderTest {
  /** A mailer's queue whose times come from `clock`; every call returns another mailer's queue over the same emails. */
  queue(clock: Clock): MailDeliveryQueue;
  /** Queues emails one by one, as use cases' transactions would. */
  enqueue(requests: readonly MailRequest[]): Promise<void>;
  /** Every queued email, oldest first. */
  stored(): Promise<StoredMail[]>;
}

/** The n-th password reset email of a test, with a secret that names it. */
export const passwordResetMail = (n: number): MailRequest => ({
  kind: 'password_reset',
  to: `user${n}@example.com`,
  firstName: 'Ada',
  uid: `uid${n}`,
  token: `reset-secret-${n}`,
});

/** The n-th verification email of a test, with a secret that names it. */
export const emailVerificationMail = (n: number): MailRequest => ({
  kind: 'email_verification',
  to: `user${n}@example.com`,
  firstName: 'Ada',
  key: `verify-secret-${n}`,
});

const LEASE_MS = 60_000;

/**
 * The behaviour every `MailDeliveryQueue` must have, run against the in-memory fake and the
 * PostgreSQL adapter. `setup` is called before each test and must return an empty queue.
 */
export function describeMailDeliveryQueueContract(name: string, setup: () => Promise<MailDeliveryQueueUnderTest>): void {
  describe(`mail delivery queue contract: ${name}`, () => {
    const mails = [passwordResetMail(1), emailVerificationMail(2), passwordResetMail(3)];
    let subject: MailDeliveryQueueUnderTest;
    let clock: ManualClock;
    let queue: MailDeliveryQueue;
    beforeEach(async () => {
      subject = await setup();
      await subject.enqueue(mails);
      // A database stamps queued emails with its own clock: start a little after it, so all are due.
      clock = new ManualClock(new Date(Date.now() + 1_000));
      queue = subject.queue(clock);
    });

    const claimAll = async (from: MailDeliveryQueue): Promise<QueuedMail[]> => {
      const claimed: QueuedMail[] = [];
      for (let mail = await from.claimNext(LEASE_MS); mail; mail = await from.claimNext(LEASE_MS)) claimed.push(mail);
      return claimed;
    };

    it('claims the oldest due emails first, each once, as their first attempt', async () => {
      const claimed = await claimAll(queue);
      expect(claimed.map((mail) => [mail.request, mail.attempt])).toEqual(mails.map((mail) => [mail, 1]));
      expect(new Set(claimed.map((mail) => mail.id)).size).toBe(3);
      expect((await subject.stored()).map((mail) => mail.id)).toEqual(claimed.map((mail) => mail.id));
    });

    it('leaves a claimed email to its mailer until the lease runs out, then lets another claim it again', async () => {
      const first = await queue.claimNext(LEASE_MS);
      const other = subject.queue(clock);
      clock.advance(LEASE_MS / 1000 - 1);
      expect((await claimAll(other)).map((mail) => mail.request)).toEqual(mails.slice(1));
      clock.advance(1);
      const again = await other.claimNext(LEASE_MS);
      expect(again).toEqual({ id: first!.id, request: mails[0], attempt: 2 });
    });

    it('never claims a sent email again, and keeps its kind and recipient but not its secret', async () => {
      const mail = (await queue.claimNext(LEASE_MS))!;
      await queue.markSent(mail);
      clock.advance(LEASE_MS / 1000);
      expect((await claimAll(queue)).map((claimed) => claimed.id)).not.toContain(mail.id);
      const [stored] = await subject.stored();
      expect(stored).toMatchObject({ id: mail.id, kind: 'password_reset', recipient: 'user1@example.com', status: 'sent', attempts: 1 });
      expect(JSON.stringify(stored)).not.toContain('reset-secret-1');
    });

    it('makes a retried email due again only after its delay, recording why it failed', async () => {
      const mail = (await queue.claimNext(LEASE_MS))!;
      await queue.retryLater(mail, 30_000, '451 try again later');
      expect((await subject.stored())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: '451 try again later' });
      clock.advance(29);
      expect((await claimAll(queue)).map((claimed) => claimed.request)).toEqual(mails.slice(1));
      clock.advance(1);
      expect(await queue.claimNext(LEASE_MS)).toEqual({ id: mail.id, request: mails[0], attempt: 2 });
    });

    it('never claims a failed email again, and erases its secret', async () => {
      const mail = (await queue.claimNext(LEASE_MS))!;
      await queue.markFailed(mail, '550 no such user');
      clock.advance(3_600);
      expect((await claimAll(queue)).map((claimed) => claimed.id)).not.toContain(mail.id);
      const [stored] = await subject.stored();
      expect(stored).toMatchObject({ status: 'failed', attempts: 1, lastError: '550 no such user', recipient: 'user1@example.com' });
      expect(JSON.stringify(stored)).not.toContain('reset-secret-1');
    });

    it('ignores a late mailer that retries or fails an email another mailer has claimed since, but lets it mark it sent', async () => {
      const late = (await queue.claimNext(LEASE_MS))!;
      clock.advance(LEASE_MS / 1000);
      const current = (await subject.queue(clock).claimNext(LEASE_MS))!;
      expect(current.id).toBe(late.id);
      await queue.retryLater(late, 0, 'late');
      await queue.markFailed(late, 'late');
      expect((await subject.stored())[0]).toMatchObject({ status: 'pending', attempts: 2, lastError: null });
      expect(await queue.claimNext(LEASE_MS)).toMatchObject({ request: mails[1] });
      await queue.markSent(late);
      expect((await subject.stored())[0]).toMatchObject({ status: 'sent' });
      // The mailer holding it now finds it settled: nothing it does changes that.
      await queue.markFailed(current, 'too late');
      await queue.markSent(current);
      expect((await subject.stored())[0]).toMatchObject({ status: 'sent', lastError: null });
    });

    it('hands each email to exactly one of many mailers claiming at once', async () => {
      await subject.enqueue(Array.from({ length: 7 }, (_, i) => passwordResetMail(10 + i)));
      const mailers = Array.from({ length: 6 }, () => subject.queue(clock));
      const claimed = (await Promise.all(mailers.map(claimAll))).flat();
      expect(claimed).toHaveLength(10);
      expect(new Set(claimed.map((mail) => mail.id)).size).toBe(10);
    });
  });
}
