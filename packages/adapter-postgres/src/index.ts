export type { Kysely, Transaction } from 'kysely';
export type { Database, OutboxPayload, OutboxTable, Timestamp, TokensTable, UsersTable } from './database.js';
export { createKysely, type CreateKyselyOptions } from './create-kysely.js';
export { createMigrator, migrateToLatest, MigrationFailedError } from './migrate-to-latest.js';
