import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@authsvc/runtime';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabaseServer } from '../src/index.js';

describe('openDatabaseServer', () => {
  it("takes DATABASE_URL's server as it is, starting nothing, and its stop() leaves it alone", async () => {
    const url = 'postgres://someone@127.0.0.1:5999/elsewhere';
    const server = await openDatabaseServer({ databaseUrl: url, dataDir: path.join(tmpdir(), 'authsvc-never-created') });
    expect(server.url).toBe(url);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it("names DATA_DIR and the fix when the embedded server's data directory cannot be made", async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'authsvc-server-test-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const file = path.join(root, 'a-file');
    await writeFile(file, 'not a folder');
    const attempt = openDatabaseServer({ databaseUrl: '', dataDir: path.join(file, 'data') });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      /^DATA_DIR: .* cannot be created or written by this user .*; set DATA_DIR to a new or empty folder this user can write$/,
    );
  });
});
