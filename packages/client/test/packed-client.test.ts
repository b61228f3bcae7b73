import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, startTestApi, type TestApi } from '../../../apps/api/test/support.js';

const run = promisify(execFile);
const clientDir = fileURLToPath(new URL('..', import.meta.url));
const clientsPage = fileURLToPath(new URL('../../../docs/clients.md', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The first TypeScript block of docs/clients.md, as a consumer would copy it. */
async function clientsPageExample(): Promise<string> {
  const text = await readFile(clientsPage, 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (example === undefined) throw new Error('docs/clients.md has no ```ts block');
  return example;
}

// Type checks a consumer needs: the tRPC client is typed from the router (a wrong procedure or
// input must not compile, which an `any` AppRouter would allow) and the REST results are typed.
const typedConsumer = `import { createAuthClient, createTrpcClient, trpcErrorBody, type AuthTrpcClient } from '@authsvc/client';

const auth = createAuthClient({ baseUrl: 'http://127.0.0.1:8000' });
const trpc: AuthTrpcClient = createTrpcClient({ baseUrl: 'http://127.0.0.1:8000' });

export async function emails(): Promise<string> {
  const me = await trpc.auth.me.query();
  const result = await auth.me();
  // @ts-expect-error the router has no such procedure
  await trpc.auth.noSuchProcedure.query();
  // @ts-expect-error login takes an email, not a username
  await trpc.auth.login.mutate({ username: 'john', password: 'Password123' });
  return result.ok ? result.data.email + me.email : JSON.stringify(trpcErrorBody(null));
}
`;

const consumerTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    // The client's own declarations and those of its dependencies are checked too.
    skipLibCheck: false,
    // @trpc/server's types name Disposable, which @types/node also brings; this consumer has no Node types.
    lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
    types: [],
    outDir: 'dist',
  },
  include: ['src'],
};

let api: TestApi;
let work: string;
beforeAll(async () => {
  [api, work] = await Promise.all([startTestApi(), mkdtemp(join(tmpdir(), 'authsvc-packed-client-'))]);
});
afterAll(async () => {
  await api?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed client', () => {
  it('installs with plain npm outside the workspace, type-checks, and runs the example of docs/clients.md against a live server', async () => {
    // `pnpm pack` runs the prepack build, so the tarball holds a fresh bundle.
    await run('pnpm', ['pack', '--pack-destination', work], { cwd: clientDir, timeout: 120_000 });
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    expect(tarball).toMatch(/^authsvc-client-\d+\.\d+\.\d+\.tgz$/);

    const consumer = join(work, 'consumer');
    await mkdir(join(consumer, 'src'), { recursive: true });
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // The client's own dependencies come from the registry (from npm's cache when it has them); a
    // stalled fetch is retried after 20 s instead of npm's default five-minute wait.
    const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--fetch-timeout=20000', '--fetch-retries=4'];
    await run('npm', ['install', ...npmFlags, join(work, tarball!)], { cwd: consumer, timeout: 240_000 });

    const installed = JSON.parse(await readFile(join(consumer, 'node_modules/@authsvc/client/package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(installed.dependencies ?? {}).filter((name) => name.startsWith('@authsvc/'))).toEqual([]);

    // The page's example verbatim, pointed at the test's server, printing what it read.
    const example = (await clientsPageExample()).replaceAll('http://127.0.0.1:8000', api.baseUrl);
    await writeFile(
      join(consumer, 'src/example.ts'),
      `${example}\nconsole.log(JSON.stringify(me));\nconsole.log(JSON.stringify(sameUser));\n`,
    );
    await writeFile(join(consumer, 'src/typed.ts'), typedConsumer);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(consumerTsconfig));
    const typecheck = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer, timeout: 120_000 }).catch(
      (error: { stdout: string }) => error,
    );
    expect(typecheck.stdout).toBe('');

    // The example logs in as the walk-through's user.
    expect((await api.request('POST', '/api/users/registration/', { body: johnDoe })).status).toBe(201);
    const john = { id: expect.any(Number), first_name: 'John', last_name: 'Doe', email: johnDoe.email };
    const { stdout } = await run(process.execPath, ['dist/example.js'], { cwd: consumer, timeout: 60_000 });
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([{ ok: true, status: 200, data: john }, john]);
  }, 420_000);
});
