/** A registered account. The email keeps the case it was registered with; lookups ignore case. */
export interface User {
  readonly id: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly isActive: boolean;
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

/** Drops the secret and internal fields of a user. */
export const toPublicUser = (user: User): PublicUser => ({
  id: user.id,
  firstName: user.firstName,
  lastName: user.lastName,
  email: user.email,
});

/** The comparison key of an email: case-insensitive (as PostgreSQL's lower()); the edge trims white space. */
export const emailKey = (email: string): string => email.toLowerCase();
