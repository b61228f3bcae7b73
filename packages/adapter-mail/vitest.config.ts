import { sourceConfig } from '../../vitest.shared.js';

export default sourceConfig();
