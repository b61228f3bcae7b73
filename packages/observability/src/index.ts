export { logRedaction, REDACTED, secretLogPaths } from './log-redaction.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions, type ReadinessChecks } from './metrics-server.js';
export { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';
export { mailerObserver, type MailerLog, type MailerObserver } from './mailer-observer.js';
