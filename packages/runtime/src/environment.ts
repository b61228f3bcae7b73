import { existsSync } from 'node:fs';
import type { z } from 'zod';

/** Raised when the environment is invalid; its message names each faulty variable and what it expects. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * One message for every faulty variable: its name and what it should hold. Values are not
 * repeated, as one of them may be a secret (a password in DATABASE_URL).
 */
function describeProblems(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): string {
  const problems = issues.map(({ path, message }) => {
    // Our own messages name what is expected ("an integer from 1 to 10"); zod's state the fault.
    const expectation = /^[a-z]/.test(message) ? `expected ${message}` : message;
    return `${path.map(String).join('.')}: ${expectation}`;
  });
  return `Invalid configuration (environment variables; see docs/configuration.md):\n  ${problems.join('\n  ')}`;
}

/** Validates environment variables against a schema; an empty variable counts as unset, as in `VAR= command`. */
export function parseEnvironment<S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>>): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(describeProblems(parsed.error.issues));
}

/**
 * Loads `ENV_FILE` (default `./.env`) into `process.env` when the file exists, for local use.
 * Variables already set in the environment win over the file, so a deployment's settings hold.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.ENV_FILE ?? '.env';
  if (existsSync(file)) process.loadEnvFile(file);
  else if (env.ENV_FILE !== undefined) throw new ConfigError(`ENV_FILE: expected a readable file (${file} does not exist)`);
}
