import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@authsvc/runtime';
import { configVariables, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has a default for every variable', () => {
    expect(loadConfig({})).toMatchObject({ HOST: '127.0.0.1', PORT: 8000, LOG_LEVEL: 'info' });
  });

  it('fails once, naming every faulty variable and what it should hold, without echoing values', () => {
    const load = () =>
      loadConfig({ PORT: 'eighty', DB_POOL_SIZE: '0', DATABASE_URL: 'mysql://app:s3cr3t-pw@127.0.0.1/app', LOG_LEVEL: 'loud' });
    expect(load).toThrow(ConfigError);
    const message = (() => {
      try {
        load();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('PORT: expected an integer from 0 to 65535');
    expect(message).toContain('DB_POOL_SIZE: expected an integer from 1 to 1000');
    expect(message).toContain('DATABASE_URL: expected a postgres:// URL');
    expect(message).toMatch(/LOG_LEVEL: .*expected one of/);
    expect(message).not.toContain('s3cr3t-pw');
  });

  it('checks KAFKA_BROKERS as the worker does, so a mistyped broker list stops the API rather than only the worker', () => {
    expect(loadConfig({ KAFKA_BROKERS: ' k1:9092,[::1]:9093' }).KAFKA_BROKERS).toEqual(['k1:9092', '[::1]:9093']);
    expect(() => loadConfig({ KAFKA_BROKERS: 'kafka-1' })).toThrow('KAFKA_BROKERS: expected a comma-separated list of host:port');
  });
});

describe('the configuration table of docs/configuration.md', () => {
  it('has a row for every variable the API reads', async () => {
    const page = await readFile(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const section = page.slice(page.indexOf('\n## API\n'));
    const table = section.slice(0, section.indexOf('\n## ', 1));
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    const documented = new Set(rows.flatMap((row) => [...row.split(' | ')[0]!.matchAll(/`([A-Z0-9_]+)`/g)].map((match) => match[1]!)));
    expect(configVariables.filter((name) => !documented.has(name))).toEqual([]);
  });
});
