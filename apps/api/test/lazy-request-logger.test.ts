import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { lazyRequestLogger } from '../src/observability/lazy-request-logger.js';

/** A pino logger (Fastify's own) at `level`, and the lines it wrote, parsed. */
function pinoAt(level: string): { logger: FastifyBaseLogger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: Fastify({ logger: { level, stream } }).log, lines };
}

describe('lazyRequestLogger', () => {
  it('makes no child for lines its level drops, and writes the others with the request’s bindings', () => {
    const { logger, lines } = pinoAt('warn');
    const child = vi.spyOn(logger, 'child');
    const log = lazyRequestLogger(logger, { reqId: 'r-1' }, {});

    log.info('incoming request');
    log.debug({ detail: 1 }, 'details');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);

    log.warn({ err: 'late' }, 'slow %s', 'database');
    log.error('failed');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { level: 40, reqId: 'r-1', err: 'late', msg: 'slow database' },
      { level: 50, reqId: 'r-1', msg: 'failed' },
    ]);
  });

  it('follows a level set on it, and reports its parent’s until then', () => {
    const { logger, lines } = pinoAt('warn');
    const log = lazyRequestLogger(logger, { reqId: 'r-2' }, {});
    expect(log.level).toBe('warn');
    log.level = 'debug';
    expect(log.level).toBe('debug');
    log.debug('now written');
    expect(lines).toMatchObject([{ level: 20, reqId: 'r-2', msg: 'now written' }]);
    // The parent keeps its own level.
    expect(logger.level).toBe('warn');
  });

  it('makes the child at once when the route gives options of its own', () => {
    const { logger } = pinoAt('warn');
    const child = vi.spyOn(logger, 'child');
    lazyRequestLogger(logger, { reqId: 'r-3' }, { level: 'debug' });
    expect(child).toHaveBeenCalledWith({ reqId: 'r-3' }, { level: 'debug' });
  });

  it('binds a grandchild under the request’s bindings', () => {
    const { logger, lines } = pinoAt('info');
    lazyRequestLogger(logger, { reqId: 'r-4' }, {}).child({ part: 'relay' }).info('nested');
    expect(lines).toMatchObject([{ reqId: 'r-4', part: 'relay', msg: 'nested' }]);
  });
});
