import { createMigrator, type Database } from '@authsvc/adapter-postgres';
import type { Kysely } from 'kysely';

/**
 * True when every migration this build knows is recorded as applied: a database restored from an
 * older backup, or migrated by an older release, is not ready for this code.
 */
export async function migrationsApplied(db: Kysely<Database>): Promise<boolean> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.every((migration) => migration.executedAt !== undefined);
}
