export { commaList, flag, hostPortList, httpUrl, integer, name, postgresUrl, rate, type Rate } from './config-fields.js';
export { ConfigError, loadDotEnv, parseEnvironment } from './environment.js';
export { stopOnSignals, type GracefulShutdown } from './graceful-shutdown.js';
export { describeDatabase, type DatabaseSetting } from './describe-database.js';
export {
  databaseVariables,
  KAFKA_DEFAULTS,
  kafkaVariables,
  processVariables,
  readKafkaVariables,
  type KafkaVariables,
} from './shared-variables.js';
export { mailSettings, mailVariables, type MailSettings, type MailVariables } from './mail-variables.js';
export { Deadline, noDeadline, type DeadlineSignal } from './deadline.js';
