export * from './abortable-wait.js';
export * from './audit-handler.js';
export * from './embedded-events.js';
export * from './in-process-dispatcher.js';
export * from './mailer-loop.js';
export * from './outbox-relay.js';
export * from './token-cleanup.js';
