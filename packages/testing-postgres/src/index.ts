export { createTestDatabase, TEST_POOL, testServerUrl, type TestDatabase } from './create-test-database.js';
export { SERVER_URL_KEY } from './provided-context.js';
export { freePort } from '@authsvc/postgres-embedded';
