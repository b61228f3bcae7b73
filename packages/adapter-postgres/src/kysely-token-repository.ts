import type { Token, TokenRepository, TokenWithUser } from '@authsvc/domain';
import type { CompiledQuery, InferResult, Kysely, Selectable } from 'kysely';
import type { Database, TokensTable } from './database.js';

/**
 * The token of a digest joined with what authentication reads of its user. Only those columns:
 * this runs on every authenticated request, and each column more is parsed each time (a
 * timestamp more costs a date parse).
 */
const selectTokenWithUser = (db: Kysely<Database>, digest: string) =>
  db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .select(['users.id', 'users.first_name', 'users.last_name', 'users.email', 'users.is_active', 'tokens.expires_at'])
    .where('tokens.digest', '=', digest);

type TokenWithUserRow = InferResult<ReturnType<typeof selectTokenWithUser>>[number];

// Compiled once for the process: the SQL is the same on every handle (they are all PostgreSQL),
// and a request may bind its repositories to a handle of its own (a `deadlineView`).
let findWithUserQuery: CompiledQuery<TokenWithUserRow> | undefined;

const toToken = (row: Selectable<TokensTable>): Token => ({
  id: row.id,
  digest: row.digest,
  userId: row.user_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  ip: row.ip,
  userAgent: row.user_agent,
});

/** `TokenRepository` over PostgreSQL through Kysely; give it a `Transaction` to work inside one. */
export class KyselyTokenRepository implements TokenRepository {
  /** Binds the repository to a database handle or to a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a freshly minted token; a digest already stored is a bug and throws. */
  async save(token: Token): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({
        id: token.id,
        digest: token.digest,
        user_id: token.userId,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        ip: token.ip,
        user_agent: token.userAgent,
      })
      .execute();
  }

  /**
   * The token and its user in one query (a join). Authentication runs on every request, so the
   * query is built and compiled once, then run with each digest.
   */
  async findWithUser(digest: string): Promise<TokenWithUser | null> {
    findWithUserQuery ??= selectTokenWithUser(this.db, digest).compile();
    const { rows } = await this.db.executeQuery<TokenWithUserRow>({ ...findWithUserQuery, parameters: [digest] });
    const row = rows[0];
    if (!row) return null;
    return {
      token: { digest, userId: row.id, expiresAt: row.expires_at },
      user: { id: row.id, firstName: row.first_name, lastName: row.last_name, email: row.email, isActive: row.is_active },
    };
  }

  /** Deletes one token; true when this call deleted it, so concurrent logouts revoke it once. */
  async delete(digest: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tokens').where('digest', '=', digest).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Deletes every token of a user; returns how many. */
  async deleteAllForUser(userId: number): Promise<number> {
    const result = await this.db.deleteFrom('tokens').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Deletes at most `limit` expired tokens in one statement, the longest expired first, and returns
   * their owners. `FOR UPDATE SKIP LOCKED` lets several purgers run at once without waiting on or
   * double-counting each other's rows, and without blocking a logout deleting the same token.
   */
  async deleteExpired(now: Date, limit: number): Promise<number[]> {
    if (limit <= 0) return [];
    const rows = await this.db
      .deleteFrom('tokens')
      .where('digest', 'in', (eb) =>
        eb.selectFrom('tokens').select('digest').where('expires_at', '<=', now).orderBy('expires_at').limit(limit).forUpdate().skipLocked(),
      )
      .returning('user_id')
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** The user's live tokens, newest first (the digest breaks ties, as the cap does). */
  async listLive(userId: number, now: Date): Promise<Token[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('digest', 'desc')
      .execute();
    return rows.map(toToken);
  }

  /** Deletes the token only if the user owns it, so another user's id deletes nothing. */
  async deleteById(userId: number, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tokens').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Deletes the user's other tokens in one statement; returns their ids. */
  async deleteOthers(userId: number, keepDigest: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('tokens')
      .where('user_id', '=', userId)
      .where('digest', '!=', keepDigest)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Deletes the tokens of a user beyond the newest `keep` in one statement; returns how many. */
  async deleteOldestBeyond(userId: number, keep: number): Promise<number> {
    const result = await this.db
      .deleteFrom('tokens')
      .where('digest', 'in', (eb) =>
        eb
          .selectFrom('tokens')
          .select('digest')
          .where('user_id', '=', userId)
          // The digest breaks ties between tokens minted in the same millisecond, so the choice
          // of which to keep is stable.
          .orderBy('created_at', 'desc')
          .orderBy('digest', 'desc')
          .offset(Math.max(0, keep)),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
