export {
  createTestDatabase,
  testServerUrl,
  truncateTables,
  type CreateTestDatabaseOptions,
  type TestDatabase,
} from './create-test-database.js';
export { SERVER_URL_KEY } from './provided-context.js';
export { freePort } from '../free-port.js';
export { loginOutcome } from './login-outcome.js';
