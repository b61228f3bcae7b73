export * from './pwned-passwords.js';
export * from './zxcvbn-common-passwords.js';
