/** Mints token secrets and computes the digest under which they are stored. */
export interface TokenSecrets {
  /** A new secret from a CSPRNG: 40 lowercase hex characters. */
  generate(): string;
  /** The digest stored for a secret (SHA-256, hex). */
  digest(secret: string): string;
}
