export { createApiApp, type ApiApp, type ApiOverrides } from './composition-root.js';
export { loadConfig, type ApiConfig } from './config.js';
