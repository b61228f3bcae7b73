import type { Clock, MailDeliveryQueue, Mailer, OutgoingEmail, QueuedMail } from '@authsvc/domain';
import type { InMemoryMailRecord, InMemoryStore } from './in-memory-store.js';

const isDue = (record: InMemoryMailRecord, now: Date): boolean =>
  record.status === 'pending' &&
  (record.nextAttemptAt === null || record.nextAttemptAt <= now) &&
  (record.lockedUntil === null || record.lockedUntil <= now);

const later = (now: Date, ms: number): Date => new Date(now.getTime() + ms);

/** The delivery side of an `InMemoryStore`'s mail queue, with leases and backoff judged by `clock`, as the PostgreSQL adapter does. */
export class InMemoryMailDeliveryQueue implements MailDeliveryQueue {
  /** Reads and settles the store's queued emails. */
  constructor(
    private readonly store: InMemoryStore,
    private readonly clock: Clock,
  ) {}

  /** Leases the oldest due message; JavaScript runs this to the end before another claim, so no two claim one message. */
  async claimNext(leaseMs: number): Promise<QueuedMail | null> {
    const now = this.clock.now();
    const due = this.store.state.mailDeliveries
      .filter((record) => isDue(record, now))
      .sort((a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0))[0];
    if (!due?.request) return null;
    const claimed = this.update(due.id, { attempts: due.attempts + 1, lockedUntil: later(now, leaseMs) });
    return { id: claimed.id, request: due.request, attempt: claimed.attempts };
  }

  /** Marks the message sent and forgets what it said, whoever holds its lease. */
  async markSent(mail: QueuedMail): Promise<void> {
    if (this.find(mail.id)?.status !== 'sent') this.update(mail.id, { status: 'sent', request: null, lockedUntil: null });
  }

  /** Releases the message until `delayMs` from now, unless another claim has taken it since. */
  async retryLater(mail: QueuedMail, delayMs: number, error: string): Promise<void> {
    if (this.holds(mail)) this.update(mail.id, { nextAttemptAt: later(this.clock.now(), delayMs), lockedUntil: null, lastError: error });
  }

  /** Fails the message and forgets what it said, unless another claim has taken it since. */
  async markFailed(mail: QueuedMail, error: string): Promise<void> {
    if (this.holds(mail)) this.update(mail.id, { status: 'failed', request: null, lockedUntil: null, lastError: error });
  }

  private find(id: string): InMemoryMailRecord | undefined {
    return this.store.state.mailDeliveries.find((record) => record.id === id);
  }

  private holds(mail: QueuedMail): boolean {
    const record = this.find(mail.id);
    return record?.status === 'pending' && record.attempts === mail.attempt;
  }

  // Records are replaced, never changed in place, so a rolled-back unit of work's copy stays as it was.
  private update(id: string, changes: Partial<InMemoryMailRecord>): InMemoryMailRecord {
    const records = this.store.state.mailDeliveries;
    const index = records.findIndex((record) => record.id === id);
    const updated = { ...records[index]!, ...changes };
    records[index] = updated;
    return updated;
  }
}

/** A mailer that keeps what it was given, for tests of the mailer loop; it can be made to refuse. */
export class InMemoryMailer implements Mailer {
  /** Every email accepted, in order. */
  readonly sent: OutgoingEmail[] = [];
  /** How many of the next sends to refuse, as a server answering 451 would. */
  refuseNext = 0;

  async send(email: OutgoingEmail): Promise<void> {
    if (this.refuseNext > 0) {
      this.refuseNext -= 1;
      throw new Error('451 4.3.0 try again later');
    }
    this.sent.push(email);
  }
}
