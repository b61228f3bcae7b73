import { logRedaction } from '@authsvc/observability';
import type { FastifyServerOptions } from 'fastify';
import type { ApiConfig } from '../config.js';

/** Where log lines go instead of stdout; tests pass one to read what was logged. */
export interface LogDestination {
  write(line: string): void;
}

/**
 * Fastify's pino options: JSON lines at LOG_LEVEL, each with the request id (`reqId`), secrets
 * redacted wherever they would appear.
 */
export function loggerOptions(level: ApiConfig['LOG_LEVEL'], destination?: LogDestination): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  return { level, redact: { paths: [...logRedaction.paths], censor: logRedaction.censor }, ...(destination && { stream: destination }) };
}
