export { testApiEnv } from './test-env.js';
