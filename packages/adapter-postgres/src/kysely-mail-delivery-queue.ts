import type { Clock, MailDeliveryQueue, MailRequest, QueuedMail } from '@authsvc/domain';
import { type Kysely, type RawBuilder, sql, type UpdateObject } from 'kysely';
import type { Database } from './database.js';

const isText = (value: unknown): value is string => typeof value === 'string';

/** The stored request, if it is one: the column is written by `KyselyMailQueue` but read back unchecked. */
function toMailRequest(payload: unknown): MailRequest | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const fields = payload as Record<string, unknown>;
  const { to, firstName } = fields;
  if (!isText(to) || !isText(firstName)) return null;
  if (fields.kind === 'password_reset' && isText(fields.uid) && isText(fields.token))
    return { kind: 'password_reset', to, firstName, uid: fields.uid, token: fields.token };
  if (fields.kind === 'email_verification' && isText(fields.key)) return { kind: 'email_verification', to, firstName, key: fields.key };
  return null;
}

// What a settled email keeps of its payload: nothing, so neither the secret nor the name stays at rest.
const ERASED = '{}';

/**
 * `MailDeliveryQueue` over the `mail_queue` table. A claim is one `UPDATE` of the oldest due row
 * picked `FOR UPDATE SKIP LOCKED`, so concurrent mailers each get a different row without waiting
 * on each other; the lease (`locked_until`) then keeps the row theirs after the statement commits.
 *
 * Times come from the database's clock, the one every mailer shares, so a lease means the same to
 * all of them; tests pass a clock to move time instead.
 */
export class KyselyMailDeliveryQueue implements MailDeliveryQueue {
  /** Reads and settles queued emails on `db`; with `clock`, judges due dates and leases by it instead of the server's `now()`. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock?: Clock,
  ) {}

  /** Leases the oldest due email; one whose payload is unreadable is failed on the way, so it cannot block the queue. */
  async claimNext(leaseMs: number): Promise<QueuedMail | null> {
    for (;;) {
      const now = this.now();
      const row = await this.db
        .updateTable('mail_queue')
        .set({ attempts: sql`attempts + 1`, locked_until: this.after(now, leaseMs) })
        .where(
          'id',
          '=',
          this.db
            .selectFrom('mail_queue')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
            .orderBy('next_attempt_at')
            .orderBy('created_at')
            .orderBy('id')
            .limit(1)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'payload', 'attempts'])
        .executeTakeFirst();
      if (!row) return null;
      const request = toMailRequest(row.payload);
      if (request) return { id: row.id, request, attempt: row.attempts };
      await this.settle(row.id, row.attempts, { status: 'failed', locked_until: null, last_error: 'unreadable payload', payload: ERASED });
    }
  }

  /** Marks the email sent and erases its payload, whoever holds its lease: the server has it. */
  async markSent(mail: QueuedMail): Promise<void> {
    await this.db
      .updateTable('mail_queue')
      .set({ status: 'sent', sent_at: this.now(), locked_until: null, payload: ERASED })
      .where('id', '=', mail.id)
      .where('status', '!=', 'sent')
      .execute();
  }

  /** Releases the email until `delayMs` from now, if this attempt still holds it. */
  async retryLater(mail: QueuedMail, delayMs: number, error: string): Promise<void> {
    await this.settle(mail.id, mail.attempt, { next_attempt_at: this.after(this.now(), delayMs), locked_until: null, last_error: error });
  }

  /** Fails the email and erases its payload, if this attempt still holds it. */
  async markFailed(mail: QueuedMail, error: string): Promise<void> {
    await this.settle(mail.id, mail.attempt, { status: 'failed', locked_until: null, last_error: error, payload: ERASED });
  }

  // Only the claim that counted `attempt` may settle the email, and only while it is pending.
  private async settle(id: string, attempt: number, changes: UpdateObject<Database, 'mail_queue'>): Promise<void> {
    await this.db
      .updateTable('mail_queue')
      .set(changes)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '=', attempt)
      .execute();
  }

  private now(): RawBuilder<Date> {
    return this.clock ? sql<Date>`${this.clock.now()}::timestamptz` : sql<Date>`now()`;
  }

  private after(now: RawBuilder<Date>, ms: number): RawBuilder<Date> {
    return sql<Date>`${now} + make_interval(secs => ${ms / 1000}::double precision)`;
  }
}
