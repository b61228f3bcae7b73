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
}
