/**
 * A login session. Only the SHA-256 digest of the secret is kept, so a database dump yields no
 * usable token; the clear value exists only in the login response.
 */
export interface Token {
  /** A public handle, shown in token lists and used to revoke one; never the secret or its digest. */
  readonly id: string;
  readonly digest: string;
  readonly userId: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The client's address at login, or null when unknown. */
  readonly ip: string | null;
  /** The client's user agent at login (capped), or null when unknown. */
  readonly userAgent: string | null;
}

/** What authentication needs of a token: whose it is and until when it is valid. */
export type TokenValidity = Pick<Token, 'digest' | 'userId' | 'expiresAt'>;

/** True once the token's lifetime has run out at `now`. */
export const isExpired = (token: TokenValidity, now: Date): boolean => now.getTime() >= token.expiresAt.getTime();
