import { createPostgresAdapters } from '@authsvc/adapter-postgres';
import { loadConfig } from './config.js';
import { openDatabase } from './database.js';

const usage = `usage: authctl <command>
  users disable <email>   disable an account: its tokens stop working, login says it is disabled
  users enable <email>    enable it again
  migrate                 apply pending database migrations`;

/** Runs one admin command against the configured database; returns the exit code. */
export async function runAuthctl(args: readonly string[], out: (line: string) => void): Promise<number> {
  const [command, sub, email] = args;
  const toggle = command === 'users' && (sub === 'disable' || sub === 'enable') && email !== undefined;
  if (command !== 'migrate' && !toggle) {
    out(usage);
    return 2;
  }
  // Opening the database applies migrations, so `migrate` needs nothing more.
  const database = await openDatabase(loadConfig(), 'authsvc-authctl');
  try {
    if (command === 'migrate') {
      out('migrations applied');
      return 0;
    }
    const isActive = sub === 'enable';
    const user = await createPostgresAdapters(database.db).users.setActive(email!, isActive);
    if (!user) {
      out(`no user with email ${email}`);
      return 1;
    }
    out(`${user.email} (id ${user.id}) ${isActive ? 'enabled' : 'disabled'}`);
    return 0;
  } finally {
    await database.close();
  }
}

runAuthctl(process.argv.slice(2), (line) => console.log(line)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
