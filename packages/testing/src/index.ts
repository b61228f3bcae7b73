export * from './fakes.js';
export * from './in-memory-auth.js';
export * from './in-memory-store.js';
export * from './port-contract-suite.js';
