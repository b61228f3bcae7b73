import { sourceConfig } from '../../vitest.shared.js';

// The harness under test is also the one that gives these tests their server.
export default sourceConfig({ globalSetup: ['./src/global-setup.ts'] });
