import { normalizeEmail, type NewUser, type User, type UserRepository } from '@authsvc/domain';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { toUser } from './user-row.js';

/** `UserRepository` over PostgreSQL through Kysely; give it a `Transaction` to work inside one. */
export class KyselyUserRepository implements UserRepository {
  /** Binds the repository to a database handle or to a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts with `ON CONFLICT (email_normalized) DO NOTHING RETURNING *`. A taken email yields no row
   * instead of a unique violation, so the caller's transaction stays usable, and a concurrent
   * registration of the same email waits for the first to commit and then yields no row: never a 500.
   */
  async create(user: NewUser): Promise<User | null> {
    const row = await this.db
      .insertInto('users')
      .values({
        first_name: user.firstName,
        last_name: user.lastName,
        email: user.email,
        email_normalized: normalizeEmail(user.email),
        password_hash: user.passwordHash,
        created_at: user.createdAt,
      })
      .onConflict((oc) => oc.column('email_normalized').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** The user whose email normalises to the same address, or null. */
  async findByEmail(email: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email_normalized', '=', normalizeEmail(email)).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** The user with this id, or null. */
  async findById(id: number): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Replaces the stored password hash. */
  async updatePasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }

  /** Stamps the verification once: a later key does not move the first time. */
  async markEmailVerified(id: number): Promise<User | null> {
    const row = await this.db
      .updateTable('users')
      .set((eb) => ({ email_verified_at: eb.fn.coalesce('email_verified_at', sql<Date>`now()`) }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Enables or disables the account in one statement; returns the updated user, or null. */
  async setActive(email: string, isActive: boolean): Promise<User | null> {
    const row = await this.db
      .updateTable('users')
      .set({ is_active: isActive })
      .where('email_normalized', '=', normalizeEmail(email))
      .returningAll()
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }
}
