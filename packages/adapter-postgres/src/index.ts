export type { Kysely, Transaction } from 'kysely';
export type {
  AuditLogTable,
  AccountCodesTable,
  Database,
  MailQueueTable,
  OutboxPayload,
  OutboxTable,
  Timestamp,
  ThrottlesTable,
  TokensTable,
  UsersTable,
} from './database.js';
export { createKysely, deadlineView, type CreateKyselyOptions, type DeadlineView } from './create-kysely.js';
export { classifyDatabaseError, type DatabaseErrorKind } from './database-error.js';
export { openDatabase, type DatabaseServer, type OpenDatabase, type OpenDatabaseOptions } from './open-database.js';
export { createMigrator, migrateToLatest, MigrationFailedError } from './migrate-to-latest.js';
export { KyselyUserRepository } from './kysely-user-repository.js';
export { KyselyTokenRepository } from './kysely-token-repository.js';
export { KyselyAccountCodeRepository } from './kysely-account-code-repository.js';
export { KyselyOutbox, readOutbox, type OutboxEntry } from './kysely-outbox.js';
export { KyselyMailQueue } from './kysely-mail-queue.js';
export { OUTBOX_CHANNEL, startOutboxListener, type OutboxListener, type OutboxListenerOptions } from './outbox-listener.js';
export { KyselyMailDeliveryQueue } from './kysely-mail-delivery-queue.js';
export { KyselyAuditLog } from './kysely-audit-log.js';
export { KyselyOutboxQueue, OUTBOX_RELAY_LOCK_KEY } from './kysely-outbox-queue.js';
export { KyselyThrottleStore } from './kysely-throttle-store.js';
export { bindPorts, KyselyUnitOfWork } from './kysely-unit-of-work.js';
export { createPostgresAdapters, type PostgresAdapters } from './create-postgres-adapters.js';
