import type { User } from '@authsvc/domain';
import type { Selectable } from 'kysely';
import type { UsersTable } from './database.js';

/** A `users` row as Kysely reads it; stays inside this package. */
export type UserRow = Selectable<UsersTable>;

/** Maps a `users` row to the domain's `User`, so no snake_case row escapes through a port. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    passwordHash: row.password_hash,
    isActive: row.is_active,
    emailVerified: row.email_verified_at !== null,
    createdAt: row.created_at,
  };
}
