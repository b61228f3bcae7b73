/** A registered account. The email is kept as it was typed; lookups compare its `normalizeEmail` form. */
export interface User {
  readonly id: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly isActive: boolean;
  /** Whether the owner proved the address by an emailed key. */
  readonly emailVerified: boolean;
  readonly createdAt: Date;
}

/** What registration stores; the id and creation time come from the repository. */
export interface NewUser {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly createdAt: Date;
}

/** The fields of a user that may be shown to the user and to other services. */
export interface PublicUser {
  readonly id: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
}

/**
 * What authenticating a token reads of its owner: who they are and whether the account may act.
 * Read on every authenticated request, so it carries nothing else (no password hash).
 */
export interface TokenHolder extends PublicUser {
  readonly isActive: boolean;
}

/** Drops the secret and internal fields of a user. */
export const toPublicUser = (user: PublicUser): PublicUser => ({
  id: user.id,
  firstName: user.firstName,
  lastName: user.lastName,
  email: user.email,
});

/**
 * What makes two emails the same address, for uniqueness, lookups, throttles and the CLI alike:
 * trimmed, in Unicode NFC, lower-cased as JavaScript does. Storage compares this form rather than
 * the database's `lower()`, whose rules (for `İ`, say) differ from JavaScript's.
 */
export const normalizeEmail = (email: string): string => email.trim().normalize('NFC').toLowerCase();
