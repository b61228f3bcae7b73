export * from './pwned-passwords-range.js';
