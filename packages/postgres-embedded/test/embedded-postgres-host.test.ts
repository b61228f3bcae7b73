import { execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canReach, installedBinaries, reachableBinaries, serverAccount, type ServerAccount } from '../src/embedded-postgres-host.js';

const run = promisify(execFile);

describe.runIf(process.getuid?.() === 0)('as root, PostgreSQL binaries in a folder the postgres user cannot enter', () => {
  let account: ServerAccount;
  let privateDir: string;
  let sharedRoot: string;

  beforeAll(async () => {
    account = (await serverAccount())!;
    // A clone in root's home: mkdtemp makes the folder 0700.
    privateDir = await mkdtemp(path.join(tmpdir(), 'authsvc-private-'));
    sharedRoot = await mkdtemp(path.join(tmpdir(), 'authsvc-shared-'));
    await chmod(sharedRoot, 0o755);
  });

  afterAll(async () => {
    await rm(privateDir, { recursive: true, force: true });
    await rm(sharedRoot, { recursive: true, force: true });
  });

  it('are copied once into a shared folder, and the server user runs them from there', async () => {
    const installed = await installedBinaries();
    const source = { nativeDir: path.join(privateDir, 'native'), version: installed.version };
    await cp(installed.nativeDir, source.nativeDir, { recursive: true, verbatimSymlinks: true });
    expect(await canReach(account, path.join(source.nativeDir, 'bin', 'initdb'))).toBe(false);

    const cache = path.join(sharedRoot, 'cache');
    const binaries = await reachableBinaries(account, source, cache);
    expect(binaries.initdb.startsWith(`${cache}${path.sep}`)).toBe(true);
    // Run as the server's user, with the libraries the copy carries.
    const { stdout } = await run(binaries.postgres, ['--version'], { uid: account.uid, gid: account.gid });
    expect(stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);

    expect(await reachableBinaries(account, source, cache)).toEqual(binaries);
  });
});
