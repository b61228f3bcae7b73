import type { MailQueue, MailRequest } from '@authsvc/domain';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** `MailQueue` over the `mail_queue` table; bound to a `Transaction`, a queued email commits with the change that asked for it. */
export class KyselyMailQueue implements MailQueue {
  /** Binds the queue to a database handle or to a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Queues one email, due at once. */
  async enqueue(request: MailRequest): Promise<void> {
    await this.db
      .insertInto('mail_queue')
      .values({ kind: request.kind, recipient: request.to, payload: JSON.stringify(request) })
      .execute();
  }
}
