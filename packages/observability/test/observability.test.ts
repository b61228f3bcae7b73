import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createPipelineMetrics, logRedaction, REDACTED, startMetricsServer } from '../src/index.js';

function capture() {
  const lines: string[] = [];
  const logger = pino(
    { redact: { paths: [...logRedaction.paths], censor: logRedaction.censor } },
    { write: (line: string) => lines.push(line) },
  );
  return { logger, lines };
}

describe('logRedaction', () => {
  it('censors credentials in headers and passwords and tokens in logged objects', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Token abc123', 'user-agent': 'ua' } } }, 'request');
    logger.info({ body: { email: 'a@example.com', password: 'Secret123', password1: 'Secret123', password2: 'Secret123' } }, 'body');
    logger.info({ key: 'f'.repeat(40), result: { token: 'deadbeef' } }, 'login');
    const text = lines.join('');
    expect(text).not.toMatch(/abc123|Secret123|deadbeef|ffffffff/);
    expect(text).toContain(REDACTED);
    expect(JSON.parse(lines[1]!)).toMatchObject({ body: { email: 'a@example.com', password: REDACTED } });
    expect(JSON.parse(lines[0]!)).toMatchObject({ req: { headers: { 'user-agent': 'ua', authorization: REDACTED } } });
  });
});

describe('createPipelineMetrics', () => {
  it('registers the relay and consumer metrics for whoever runs them to set', async () => {
    const registry = new Registry();
    const pipeline = createPipelineMetrics(registry);
    pipeline.relayLagSeconds.set(1.5);
    pipeline.consumerLagMessages.set({ group: 'audit', topic: 'auth.events', partition: '0' }, 7);
    const text = await registry.metrics();
    expect(text).toContain('authsvc_relay_lag_seconds 1.5');
    expect(text).toContain('authsvc_consumer_lag_messages{group="audit",topic="auth.events",partition="0"} 7');
  });
});

describe('startMetricsServer', () => {
  it('serves the registry at /metrics and liveness at /healthz on loopback', async () => {
    const registry = new Registry();
    createPipelineMetrics(registry).consumerLagSeconds.set({ group: 'audit' }, 2);
    const server = await startMetricsServer({ registry, host: '127.0.0.1', port: 0 });
    try {
      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await metrics.text()).toContain('authsvc_consumer_lag_seconds{group="audit"} 2');
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers /readyz 200 while every check is ok and 503 naming the failing one', async () => {
    let checks: Record<string, 'ok' | 'failing'> = { relay: 'ok', audit: 'failing' };
    const server = await startMetricsServer({ registry: new Registry(), host: '127.0.0.1', port: 0, readiness: () => checks });
    try {
      const notReady = await fetch(`${server.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not ready', checks: { relay: 'ok', audit: 'failing' } });
      checks = { relay: 'ok', audit: 'ok' };
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks });
    } finally {
      await server.close();
    }
  });
});
