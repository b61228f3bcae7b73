import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadDotEnv, parseEnvironment } from '../src/index.js';

describe('parseEnvironment', () => {
  const schema = z.object({ PORT: z.coerce.number().int().max(65_535, 'a port number'), NAME: z.string().default('x') });

  it('treats empty variables as unset and applies defaults', () => {
    expect(parseEnvironment(schema, { PORT: '80', NAME: '' })).toEqual({ PORT: 80, NAME: 'x' });
  });

  it('names each faulty variable and what it expects, without its value', () => {
    expect(() => parseEnvironment(schema, { PORT: '99999' })).toThrow(ConfigError);
    expect(() => parseEnvironment(schema, { PORT: '99999' })).toThrow(/PORT: expected a port number/);
    expect(() => parseEnvironment(schema, { PORT: '99999' })).not.toThrow(/99999/);
  });
});

describe('loadDotEnv', () => {
  let dir: string | undefined;
  afterEach(async () => {
    delete process.env.AUTHSVC_TEST_FROM_FILE;
    delete process.env.AUTHSVC_TEST_BOTH;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads ENV_FILE into the environment, where variables already set win', async () => {
    dir = await mkdtemp(join(tmpdir(), 'authsvc-env-'));
    const file = join(dir, '.env');
    await writeFile(file, 'AUTHSVC_TEST_FROM_FILE=from-file\nAUTHSVC_TEST_BOTH=from-file\n');
    process.env.AUTHSVC_TEST_BOTH = 'from-environment';
    loadDotEnv({ ENV_FILE: file });
    expect(process.env.AUTHSVC_TEST_FROM_FILE).toBe('from-file');
    expect(process.env.AUTHSVC_TEST_BOTH).toBe('from-environment');
  });

  it('says so when a named ENV_FILE is missing, and needs no .env otherwise', () => {
    expect(() => loadDotEnv({ ENV_FILE: '/nonexistent/authsvc.env' })).toThrow(/ENV_FILE: expected a readable file/);
    expect(() => loadDotEnv({})).not.toThrow();
  });
});
