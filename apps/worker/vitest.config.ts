import { sourceConfig } from '../../vitest.shared.js';

// One PostgreSQL for the run (embedded, or DATABASE_URL's); each test file makes its own database
// and starts its own Kafka (the kcat mock, or KAFKA_BROKERS').
export default sourceConfig({ globalSetup: ['../../packages/testing-postgres/src/global-setup.ts'] });
