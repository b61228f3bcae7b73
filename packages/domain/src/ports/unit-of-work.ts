import type { AccountCodeRepository } from './account-code-repository.js';
import type { MailQueue } from './mail-queue.js';
import type { Outbox } from './outbox.js';
import type { TokenRepository } from './token-repository.js';
import type { UserRepository } from './user-repository.js';

/** The repositories bound to one transaction. */
export interface TransactionalPorts {
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  readonly codes: AccountCodeRepository;
  readonly outbox: Outbox;
  /** Emails to send once the transaction commits. */
  readonly mail: MailQueue;
}

/** Runs work in one transaction: all of its writes and events commit together, or none do. */
export interface UnitOfWork {
  /** Runs `work` in a transaction; commits when it resolves, rolls back when it throws. */
  run<T>(work: (tx: TransactionalPorts) => Promise<T>): Promise<T>;
}
