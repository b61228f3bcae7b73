import type { NewUser, User } from '../user.js';

/** Stores accounts. Email lookups and uniqueness compare `normalizeEmail` forms. */
export interface UserRepository {
  /** Inserts the user, or returns null when its email (as `normalizeEmail` compares) is taken. Never throws for that. */
  create(user: NewUser): Promise<User | null>;
  /** The user whose email is the same address as `normalizeEmail` says, or null. */
  findByEmail(email: string): Promise<User | null>;
  /** The user with this id, or null. */
  findById(id: number): Promise<User | null>;
  /** Replaces the stored password hash (after a parameter upgrade). */
  updatePasswordHash(id: number, passwordHash: string): Promise<void>;
  /** Records that the owner proved the address; returns the user, or null when none has the id. */
  markEmailVerified(id: number): Promise<User | null>;
  /** Enables or disables the account; returns the updated user, or null when none matches. */
  setActive(email: string, isActive: boolean): Promise<User | null>;
}
