import type { Token } from '../token.js';
import type { User } from '../user.js';

/** A token together with its owner, read in one round trip. */
export interface TokenWithUser {
  readonly token: Token;
  readonly user: User;
}

/** Stores tokens by the digest of their secret. */
export interface TokenRepository {
  /** Stores a freshly minted token. */
  save(token: Token): Promise<void>;
  /** The token with this digest and its user, or null. */
  findWithUser(digest: string): Promise<TokenWithUser | null>;
  /** Deletes one token; true when it existed (so two concurrent logouts revoke it once). */
  delete(digest: string): Promise<boolean>;
  /** Deletes every token of a user; returns how many. */
  deleteAllForUser(userId: number): Promise<number>;
  /** Deletes up to `limit` tokens expired at `now`; returns the owners of those deleted, one entry per token. */
  deleteExpired(now: Date, limit: number): Promise<number[]>;
  /** Deletes the oldest tokens of a user beyond the newest `keep`; returns how many. */
  deleteOldestBeyond(userId: number, keep: number): Promise<number>;
}
