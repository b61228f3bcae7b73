export { logRedaction, REDACTED, secretLogPaths } from './log-redaction.js';
export { createPipelineMetrics, type PipelineMetrics } from './pipeline-metrics.js';
