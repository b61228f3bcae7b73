/** What a one-time code emailed to an account's owner lets them do. */
export type AccountCodePurpose = 'password_reset' | 'email_verification';

/**
 * A one-time code sent by email. Only the digest of its secret is stored, so a database dump
 * yields no usable link; the clear secret lives only in the mail queue and the email.
 */
export interface AccountCode {
  readonly digest: string;
  readonly purpose: AccountCodePurpose;
  readonly userId: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Stores one-time codes by the digest of their secret. */
export interface AccountCodeRepository {
  /** Stores a fresh code. */
  save(code: AccountCode): Promise<void>;
  /** The code of this purpose and digest if it is still valid at `now`, else null. */
  find(purpose: AccountCodePurpose, digest: string, now: Date): Promise<AccountCode | null>;
  /** Deletes the code if it is still valid at `now` and returns it, atomically: of concurrent calls, only one gets it. */
  consume(purpose: AccountCodePurpose, digest: string, now: Date): Promise<AccountCode | null>;
  /** Deletes every code of `purpose` the user holds, so older links die with the one used; returns how many. */
  deleteForUser(userId: number, purpose: AccountCodePurpose): Promise<number>;
  /** Deletes up to `limit` codes expired at `now`; returns how many. */
  purgeExpired(now: Date, limit: number): Promise<number>;
}
