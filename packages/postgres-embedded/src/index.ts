export { openDatabaseServer, type DatabaseLocation, type DatabaseServer } from './database-server.js';
export {
  connectOrStartEmbedded,
  DEFAULT_EMBEDDED_DATABASE,
  DEFAULT_EMBEDDED_PORT,
  EmbeddedPostgresRunningError,
  EmbeddedPostgresSetupError,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresConnection,
  type EmbeddedPostgresOptions,
} from './embedded-postgres.js';
export { dropDatabase, ensureDatabase, waitForPostgres, withAdminClient, withDatabaseName, type AdminClient } from './postgres-admin.js';
export { freePort } from './free-port.js';
export { processExists } from './postmaster-pid.js';
export { loginOutcome } from './login-outcome.js';
