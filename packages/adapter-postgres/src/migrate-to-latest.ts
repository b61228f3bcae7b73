import type { Kysely } from 'kysely';
import { type MigrationProvider, Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.js';

/**
 * Serves the migrations from code. Kysely's `FileMigrationProvider` scans a folder at run time,
 * which breaks as soon as the code is bundled or the folder holds `.d.ts` and `.map` files.
 */
export const staticMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};

/** Thrown when migrating fails; nothing of that run was applied (see {@link migrateToLatest}). */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';

  constructor(
    /** The migration that failed, or null when the failure came before any (a lock, a connection). */
    readonly migrationName: string | null,
    cause: unknown,
  ) {
    super(`database migration ${migrationName ?? '(setup)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A Kysely migrator over `db` serving this package's migrations. */
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: staticMigrationProvider });
}

/**
 * Applies every pending migration and returns their names, oldest first (empty when the schema is
 * up to date). On PostgreSQL Kysely runs them all in one transaction under an advisory lock: two
 * processes starting at once apply them once, and a failure leaves the schema as it was.
 * Throws {@link MigrationFailedError}.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results = [] } = await createMigrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    throw new MigrationFailedError(failed?.migrationName ?? null, error);
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
