import type { AuthDependencies, Outbox } from '@authsvc/domain';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { KyselyAccountCodeRepository } from './kysely-account-code-repository.js';
import { KyselyOutbox } from './kysely-outbox.js';
import { KyselyTokenRepository } from './kysely-token-repository.js';
import { KyselyUnitOfWork } from './kysely-unit-of-work.js';
import { KyselyUserRepository } from './kysely-user-repository.js';

/** The persistence ports over PostgreSQL, ready to spread into the domain's `AuthDependencies`. */
export interface PostgresAdapters extends Pick<AuthDependencies, 'users' | 'tokens' | 'codes' | 'unitOfWork'> {
  /**
   * An outbox outside any transaction, for events that describe no state change of their own.
   * Events that do describe one belong in the unit of work's `tx.outbox`.
   */
  readonly outbox: Outbox;
}

/** Builds every persistence adapter over one `Kysely` handle (its pool is shared). */
export function createPostgresAdapters(db: Kysely<Database>): PostgresAdapters {
  return {
    users: new KyselyUserRepository(db),
    tokens: new KyselyTokenRepository(db),
    codes: new KyselyAccountCodeRepository(db),
    unitOfWork: new KyselyUnitOfWork(db),
    outbox: new KyselyOutbox(db),
  };
}
