import { encodeEvent, toDomainEvent } from '@authsvc/contracts';
import { normalizeEmail, type AuditLog, type AuditSubject, type DomainEvent } from '@authsvc/domain';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** The normalised email an event carries, for the events whose payload has one: what lookups compare. */
function emailOf(event: DomainEvent): string | null {
  return event.type === 'user.registered' || event.type === 'user.login_failed' ? normalizeEmail(event.data.email) : null;
}

/** `AuditLog` over the `audit_log` table; idempotent by event id through its unique index. */
export class KyselyAuditLog implements AuditLog {
  /** Binds the audit log to a database handle or to a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the event; a second delivery of the same id is a no-op (`ON CONFLICT DO NOTHING`), reported as false. */
  async append(event: DomainEvent): Promise<boolean> {
    const result = await this.db
      .insertInto('audit_log')
      .values({
        event_id: event.id,
        type: event.type,
        version: event.version,
        user_id: event.userId,
        email: emailOf(event),
        occurred_at: event.occurredAt,
        payload: JSON.stringify(encodeEvent(event)),
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** The events of the user or the email, oldest first; with `limit`, the newest that many. */
  async listFor(subject: AuditSubject, limit?: number): Promise<DomainEvent[]> {
    if (limit !== undefined && limit <= 0) return [];
    let query = this.db
      .selectFrom('audit_log')
      .select(['seq', 'payload'])
      .where((eb) => {
        const byEmail = eb('email', '=', normalizeEmail(subject.email));
        return subject.userId === null ? byEmail : eb.or([eb('user_id', '=', subject.userId), byEmail]);
      })
      .orderBy('occurred_at', 'desc')
      .orderBy('seq', 'desc');
    if (limit !== undefined) query = query.limit(limit);
    const rows = await query.execute();
    return rows.reverse().map((row) => toDomainEvent(row.payload));
  }
}
