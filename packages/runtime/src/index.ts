export { ConfigError, loadDotEnv, parseEnvironment } from './environment.js';
export { stopOnSignals, type GracefulShutdown } from './graceful-shutdown.js';
