export { startWorker, type Worker, type WorkerOverrides } from './composition-root.js';
export { loadWorkerConfig, WORKER_ROLES, type WorkerConfig, type WorkerRole } from './config.js';
