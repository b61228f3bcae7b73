import { pathToFileURL } from 'node:url';
import type { DomainEvent } from '@authsvc/domain';
import { loadDotEnv } from '@authsvc/runtime';
import { openCliApp } from './cli-composition-root.js';
import { loadConfig } from './config.js';

const usage = `usage: authctl <command>
  users disable <email>        disable an account: its tokens stop working, login says it is disabled
  users enable <email>         enable it again
  audit <email> [--limit N]    the account's recorded events, and failed logins with that email, one a
                               line, oldest first; with --limit, only the newest N
  migrate                      apply pending database migrations`;

/** One audit line: when, what, who and from where, then the payload (which never holds a secret). */
export function formatAuditLine(event: DomainEvent): string {
  const { ip, requestId } = event.metadata;
  return [
    event.occurredAt.toISOString(),
    event.type.padEnd(17),
    `user=${event.userId ?? '-'}`,
    `ip=${ip ?? '-'}`,
    `request=${requestId ?? '-'}`,
    `id=${event.id}`,
    JSON.stringify(event.data),
  ].join(' ');
}

/** `audit <email> [--limit N]` parsed, or null when malformed. */
function parseAuditArgs(args: readonly string[]): { email: string; limit: number | undefined } | null {
  const rest = [...args];
  let limit: number | undefined;
  const flag = rest.indexOf('--limit');
  if (flag !== -1) {
    const value = rest[flag + 1];
    if (value === undefined || !/^[1-9]\d*$/.test(value)) return null;
    limit = Number(value);
    rest.splice(flag, 2);
  }
  const [email, ...extra] = rest;
  return email === undefined || extra.length > 0 ? null : { email, limit };
}

/** Runs one admin command against the configured database; returns the exit code. */
export async function runAuthctl(
  args: readonly string[],
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, sub, email] = args;
  const toggle = command === 'users' && (sub === 'disable' || sub === 'enable') && email !== undefined;
  const audit = command === 'audit' ? parseAuditArgs(args.slice(1)) : null;
  if (command !== 'migrate' && !toggle && audit === null) {
    out(usage);
    return 2;
  }
  // Opening the database applies migrations, so `migrate` needs nothing more.
  const cli = await openCliApp(loadConfig(env));
  try {
    if (command === 'migrate') {
      out('migrations applied');
      return 0;
    }
    if (audit !== null) {
      const events = await cli.listAuditEvents(audit.email, audit.limit);
      for (const event of events) out(formatAuditLine(event));
      if (events.length === 0) out(`no recorded events for ${audit.email}`);
      return 0;
    }
    const isActive = sub === 'enable';
    const result = await cli.service.setUserActive(email!, isActive);
    if (!result.ok) {
      out(`no user with email ${email}`);
      return 1;
    }
    out(`${result.value.email} (id ${result.value.id}) ${isActive ? 'enabled' : 'disabled'}`);
    return 0;
  } finally {
    await cli.close();
  }
}

// Run only as the CLI's entry point, so tests can import runAuthctl.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // In the chain, so a missing ENV_FILE is reported like any other configuration error.
  Promise.resolve()
    .then(() => {
      loadDotEnv();
      return runAuthctl(process.argv.slice(2), (line) => console.log(line));
    })
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
}
