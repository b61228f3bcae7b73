import { KyselyAuditLog, type OpenDatabase } from '@authsvc/adapter-postgres';
import { createAuthService, listAuditEvents, type AuthService, type DomainEvent } from '@authsvc/domain';
import { authDependencies } from './auth-dependencies.js';
import type { ApiConfig } from './config.js';
import { openApiDatabase } from './database.js';

/** The admin CLI's use cases on the configured database, wired as the API wires them, without HTTP. */
export interface CliApp {
  /** The same use cases the API serves (`setUserActive` for `users disable|enable`). */
  readonly service: AuthService;
  /** The recorded events of an account, oldest first; with `limit`, the newest that many. */
  listAuditEvents(email: string, limit?: number): Promise<DomainEvent[]>;
  /** Closes the database (and stops the embedded server this process started, if any). */
  close(): Promise<void>;
}

/**
 * Wires the CLI by hand: opens the database (which applies pending migrations) and builds the
 * domain service on the real adapters. Nothing here relays events: the CLI's, like the API's, go
 * to the outbox, and the running API or worker publishes them.
 */
export async function openCliApp(config: ApiConfig): Promise<CliApp> {
  const database: OpenDatabase = await openApiDatabase(config, 'authsvc-authctl');
  try {
    // The CLI sets no password, so no breach check can fail here for anyone to be told of.
    const deps = await authDependencies(config, database);
    return {
      service: createAuthService(deps),
      listAuditEvents: listAuditEvents({ users: deps.users, auditLog: new KyselyAuditLog(database.db) }),
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
