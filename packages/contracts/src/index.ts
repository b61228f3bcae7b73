export * from './fields.js';
export * from './messages.js';
export * from './rest.js';
export * from './validation.js';
export * from './events.js';
