import type { Token, TokenValidity } from '../token.js';
import type { TokenHolder } from '../user.js';

/** A token together with its owner, read in one round trip. */
export interface TokenWithUser {
  readonly token: TokenValidity;
  readonly user: TokenHolder;
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
  /** The user's tokens still valid at `now`, newest first. */
  listLive(userId: number, now: Date): Promise<Token[]>;
  /** Deletes the user's token with this public id; false when the user has none such (another user's id deletes nothing). */
  deleteById(userId: number, id: string): Promise<boolean>;
  /** Deletes every token of the user but the one with `keepDigest`; returns the public ids of those deleted. */
  deleteOthers(userId: number, keepDigest: string): Promise<string[]>;
}
