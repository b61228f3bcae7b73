import { sourceConfig } from '../../vitest.shared.js';

// One PostgreSQL for the whole run (embedded, or DATABASE_URL's), from @authsvc/testing-postgres;
// each test file makes its own database on it.
export default sourceConfig({ globalSetup: ['../testing-postgres/src/global-setup.ts'] });
