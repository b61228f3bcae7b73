import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { processExists } from './postmaster-pid.js';

/** The lock file of a data directory; beside it, since initdb wants the directory itself empty. */
export const startLockPath = (dataDir: string): string => path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.start-lock`);

/**
 * Runs `work` while holding an exclusive lock on starting the server of `dataDir`, across
 * processes. Without it a CLI launched while the service is still running initdb would see a
 * half-written cluster (PG_VERSION comes first) and start a server on it, or both would initdb.
 * A lock left by a process that died is taken over.
 */
export async function withStartLock<T>(dataDir: string, work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const file = startLockPath(dataDir);
  const deadline = Date.now() + timeoutMs;
  await mkdir(path.dirname(file), { recursive: true });
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    // An empty file is a holder between creating and writing it: wait like for any live holder.
    if (Number.isInteger(holder) && holder > 0 && !processExists(holder)) {
      await unlink(file).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${file} (held by pid ${holder || 'unknown'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await work();
  } finally {
    await unlink(file).catch(() => {});
  }
}
