import { sourceConfig } from '../../vitest.shared.js';

// Each test starts its own servers in temporary directories: no global setup.
export default sourceConfig();
