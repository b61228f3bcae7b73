import type { TransactionalPorts, UnitOfWork } from '@authsvc/domain';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { KyselyAccountCodeRepository } from './kysely-account-code-repository.js';
import { KyselyMailQueue } from './kysely-mail-queue.js';
import { KyselyOutbox } from './kysely-outbox.js';
import { KyselyTokenRepository } from './kysely-token-repository.js';
import { KyselyUserRepository } from './kysely-user-repository.js';

/** Binds the same repositories to any handle: the pool for plain calls, a `Transaction` inside a unit of work. */
export function bindPorts(db: Kysely<Database>): TransactionalPorts {
  return {
    users: new KyselyUserRepository(db),
    tokens: new KyselyTokenRepository(db),
    codes: new KyselyAccountCodeRepository(db),
    outbox: new KyselyOutbox(db),
    mail: new KyselyMailQueue(db),
  };
}

/** `UnitOfWork` as one PostgreSQL transaction, with the repositories rebound to Kysely's `trx`. */
export class KyselyUnitOfWork implements UnitOfWork {
  /** Opens its transactions on `db`, which must not itself be a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Runs `work` in a READ COMMITTED transaction on one pooled connection: commits when it resolves,
   * rolls back and rethrows when it throws. The ports given to `work` are valid only until it settles.
   */
  async run<T>(work: (tx: TransactionalPorts) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(bindPorts(trx)));
  }
}
