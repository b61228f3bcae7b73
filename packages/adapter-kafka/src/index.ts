export * from './asyncapi-document.js';
export * from './event-consumer.js';
export * from './kafka-client.js';
export * from './kafka-event-publisher.js';
export * from './kafka-settings.js';
export * from './kafka-startup-error.js';
