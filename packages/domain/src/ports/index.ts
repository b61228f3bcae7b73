export type { Clock, IdGenerator } from './clock.js';
export type { Outbox } from './outbox.js';
export type { PasswordHasher } from './password-hasher.js';
export type { TokenRepository, TokenWithUser } from './token-repository.js';
export type { TokenSecrets } from './token-secrets.js';
export type { TransactionalPorts, UnitOfWork } from './unit-of-work.js';
export type { UserRepository } from './user-repository.js';
