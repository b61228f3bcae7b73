export * from './fakes.js';
export * from './in-memory-auth.js';
export * from './in-memory-events.js';
export * from './in-memory-store.js';
export * from './port-contract-suite.js';
export * from './in-memory-throttle-store.js';
export * from './throttle-store-contract-suite.js';
