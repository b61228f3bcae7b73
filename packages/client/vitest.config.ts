import { sourceConfig } from '../../vitest.shared.js';

// One PostgreSQL for the run, for the test against the real API; the msw tests need none.
export default sourceConfig({ globalSetup: ['../../packages/testing-postgres/src/global-setup.ts'] });
