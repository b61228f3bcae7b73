export { testApiEnv } from './test-env.js';
export {
  eventually,
  LAUNCH_TIMEOUT_MS,
  pnpmEnv,
  postmasterPid,
  processExists,
  REPO_ROOT,
  runPnpm,
  startPnpm,
  stopPnpm,
  type PnpmProcess,
} from './pnpm-process.js';
