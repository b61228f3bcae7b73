export * from './crypto-token-secrets.js';
export * from './scrypt-password-hasher.js';
export * from './system-clock.js';
