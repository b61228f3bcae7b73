export { testApiEnv } from './test-env.js';
export {
  eventually,
  LAUNCH_TIMEOUT_MS,
  pnpmEnv,
  postmasterPid,
  REPO_ROOT,
  runPnpm,
  startPnpm,
  stopPnpm,
  type PnpmProcess,
} from './pnpm-process.js';
export { processExists } from '@authsvc/postgres-embedded';
