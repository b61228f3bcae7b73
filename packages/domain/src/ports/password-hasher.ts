/** A slow, salted key-derivation function for passwords. */
export interface PasswordHasher {
  /** Hashes a password with the current parameters. */
  hash(password: string): Promise<string>;
  /**
   * Checks a password against a stored hash. With a null hash it spends the same work and returns
   * false, so an unknown account costs as much time as a wrong password.
   */
  verify(password: string, hash: string | null): Promise<boolean>;
  /** True when the hash was made with parameters other than the current ones. */
  needsRehash(hash: string): boolean;
  /**
   * Runs `work`, which will hash, once the hasher has room for it soon: a few wait their turn
   * with their other steps done, the rest before they start, so a burst does not do all its other
   * work at once. A hasher without a limit runs it at once.
   */
  admit<T>(work: () => Promise<T>): Promise<T>;
}
