import type { AccountCode, AccountCodePurpose, AccountCodeRepository } from '@authsvc/domain';
import type { Kysely, Selectable } from 'kysely';
import type { AccountCodesTable, Database } from './database.js';

const toAccountCode = (row: Selectable<AccountCodesTable>): AccountCode => ({
  digest: row.digest,
  purpose: row.purpose,
  userId: row.user_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

/** `AccountCodeRepository` over the `account_codes` table; give it a `Transaction` to work inside one. */
export class KyselyAccountCodeRepository implements AccountCodeRepository {
  /** Binds the repository to a database handle or to a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a fresh code. */
  async save(code: AccountCode): Promise<void> {
    await this.db
      .insertInto('account_codes')
      .values({ digest: code.digest, purpose: code.purpose, user_id: code.userId, created_at: code.createdAt, expires_at: code.expiresAt })
      .execute();
  }

  /** The code if it is still valid at `now`, else null. */
  async find(purpose: AccountCodePurpose, digest: string, now: Date): Promise<AccountCode | null> {
    const row = await this.db
      .selectFrom('account_codes')
      .selectAll()
      .where('digest', '=', digest)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? toAccountCode(row) : null;
  }

  /** `DELETE ... RETURNING` in one statement: of concurrent consumers, the row goes to exactly one. */
  async consume(purpose: AccountCodePurpose, digest: string, now: Date): Promise<AccountCode | null> {
    const row = await this.db
      .deleteFrom('account_codes')
      .where('digest', '=', digest)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row ? toAccountCode(row) : null;
  }

  /** Deletes every code of `purpose` the user holds; returns how many. */
  async deleteForUser(userId: number, purpose: AccountCodePurpose): Promise<number> {
    const result = await this.db
      .deleteFrom('account_codes')
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes at most `limit` expired codes in one statement, skipping rows another purger holds. */
  async purgeExpired(now: Date, limit: number): Promise<number> {
    if (limit <= 0) return 0;
    const result = await this.db
      .deleteFrom('account_codes')
      .where('digest', 'in', (eb) =>
        eb.selectFrom('account_codes').select('digest').where('expires_at', '<=', now).limit(limit).forUpdate().skipLocked(),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
