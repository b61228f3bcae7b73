export * from './mock-kafka.js';
export * from './test-tuning.js';
