import { sourceConfig } from '../../vitest.shared.js';

// One PostgreSQL for the whole run (embedded, or DATABASE_URL's); each test file makes its own
// database on it. Other packages point their globalSetup at this same file (see README.md).
export default sourceConfig({ globalSetup: ['./src/testing/global-setup.ts'] });
