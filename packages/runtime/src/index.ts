export { ConfigError, loadDotEnv, parseEnvironment } from './environment.js';
export { stopOnSignals, type GracefulShutdown } from './graceful-shutdown.js';
export { describeDatabase, type DatabaseSetting } from './describe-database.js';
