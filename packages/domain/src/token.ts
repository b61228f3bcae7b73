/**
 * A login session. Only the SHA-256 digest of the secret is kept, so a database dump yields no
 * usable token; the clear value exists only in the login response.
 */
export interface Token {
  readonly digest: string;
  readonly userId: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** True once the token's lifetime has run out at `now`. */
export const isExpired = (token: Token, now: Date): boolean => now.getTime() >= token.expiresAt.getTime();
