import { pathToFileURL } from 'node:url';
import { serializeEvent } from '@authsvc/contracts';
import type { DomainEvent } from '@authsvc/domain';
import { loadDotEnv } from '@authsvc/runtime';
import { openCliApp } from './cli-composition-root.js';
import { loadConfig } from './config.js';

const usage = `usage: authctl <command>
  users disable <email>        disable an account: its tokens stop working, login says it is disabled
  users enable <email>         enable it again
  audit <email> [--limit N] [--json]
                               the account's recorded events, and failed logins with that email, one a
                               line, oldest first; with --limit, only the newest N; with --json, each
                               as the JSON envelope subscribers read from Kafka
  migrate                      apply pending database migrations
Output goes to stdout; errors, and "no recorded events", to stderr.`;

/** Where the CLI writes: its output (stdout), and errors and notes (stderr), so a pipe gets only the output. */
export interface AuthctlOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

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

/** `audit <email> [--limit N] [--json]` parsed, or null when malformed. */
function parseAuditArgs(args: readonly string[]): { email: string; limit: number | undefined; json: boolean } | null {
  const rest = args.filter((arg) => arg !== '--json');
  const json = rest.length < args.length;
  let limit: number | undefined;
  const flag = rest.indexOf('--limit');
  if (flag !== -1) {
    const value = rest[flag + 1];
    if (value === undefined || !/^[1-9]\d*$/.test(value)) return null;
    limit = Number(value);
    rest.splice(flag, 2);
  }
  const [email, ...extra] = rest;
  return email === undefined || extra.length > 0 ? null : { email, limit, json };
}

/** Runs one admin command against the configured database; returns the exit code. */
export async function runAuthctl(
  args: readonly string[],
  { out, err }: AuthctlOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, sub, email] = args;
  const toggle = command === 'users' && (sub === 'disable' || sub === 'enable') && email !== undefined;
  const audit = command === 'audit' ? parseAuditArgs(args.slice(1)) : null;
  if (command !== 'migrate' && !toggle && audit === null) {
    err(usage);
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
      for (const event of events) out(audit.json ? serializeEvent(event) : formatAuditLine(event));
      // Not an error, but not output either: `--json | jq` then reads an empty stream.
      if (events.length === 0) err(`no recorded events for ${audit.email}`);
      return 0;
    }
    const isActive = sub === 'enable';
    const result = await cli.service.setUserActive(email!, isActive);
    if (!result.ok) {
      err(`no user with email ${email}`);
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
      return runAuthctl(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) });
    })
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
}
