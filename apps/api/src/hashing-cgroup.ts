import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@authsvc/runtime';

/**
 * The file of the cgroup folder `dir` that takes thread ids, `cgroup.threads` (v2) or `tasks`
 * (v1), checked writable before any worker starts, so a wrong HASHING_CGROUP stops the service
 * with the fix named instead of leaving the hashing where it was.
 */
export function hashingThreadsFile(dir: string): string {
  const file = ['cgroup.threads', 'tasks'].map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
  if (!file)
    throw new ConfigError(`HASHING_CGROUP: ${dir} is not a cgroup (it has no cgroup.threads or tasks); set it to one, or unset it`);
  try {
    accessSync(file, constants.W_OK);
  } catch (error) {
    throw new ConfigError(`HASHING_CGROUP: this user may not move threads into ${dir}; delegate it to this user, or unset it`, {
      cause: error,
    });
  }
  return file;
}
