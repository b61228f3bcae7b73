import { sourceConfig } from '../../vitest.shared.js';

// One PostgreSQL for the run (embedded, or DATABASE_URL's); each test file makes its own database.
export default sourceConfig({ globalSetup: ['../../packages/testing-postgres/src/global-setup.ts'] });
